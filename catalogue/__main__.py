from catalogue.cli import main

main()
