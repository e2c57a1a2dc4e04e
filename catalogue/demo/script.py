"""Demo content for `catalogue demo`: written for this project, not from the real film.

Fictional interview-style subtitles (Dutch with English translation) loosely
inspired by the themes of *Van buddy tot community*. All speakers, quotes and
situations are invented for demonstration and testing purposes.
"""
from __future__ import annotations

from typing import NamedTuple


class Line(NamedTuple):
    speaker: str   # a fictional name + role, e.g. "Sara (projectcoördinator)"; keep it short; "" for narrator
    nl: str        # what is said, in Dutch (Flemish register), max 80 characters
    en: str        # faithful English translation, max 80 characters


class DemoClip(NamedTuple):
    id: str            # slug: lowercase a-z0-9 words joined by single hyphens, unique
    title: str         # Dutch, short, e.g. "Hoe vind je buddy's?"
    description: str   # Dutch, one or two sentences
    lines: tuple[Line, ...]


class DemoTheme(NamedTuple):
    id: str
    title: str
    description: str
    clips: tuple[DemoClip, ...]


SARA = "Sara (projectcoördinator)"
KOEN = "Koen (maatschappelijk werker)"
AMINA = "Amina (buddy)"
LUC = "Luc (buddy)"
YUSUF = "Yusuf (nieuwkomer)"
MARLEEN = "Marleen (deelnemer)"
ELS = "Els (onderzoeker)"
NARRATOR = ""


THEMES: tuple[DemoTheme, ...] = (
    DemoTheme(
        id="rekrutering",
        title="Rekrutering",
        description="Hoe vind en houd je buddy's?",
        clips=(
            DemoClip(
                id="hoe-vind-je-buddys",
                title="Hoe vind je buddy's?",
                description="Projectcoördinatoren vertellen waar ze nieuwe buddy's vinden. "
                            "Mond-tot-mondreclame blijkt het sterkst te werken.",
                lines=(
                    Line(NARRATOR, "Elk buddyproject begint met dezelfde vraag: wie doet er mee?",
                         "Every buddy project starts with the same question: who will join?"),
                    Line(SARA, "Een affiche in de bib levert weinig op, eerlijk gezegd.",
                         "A poster in the library doesn't bring in much, to be honest."),
                    Line(SARA, "De beste vrijwilligers komen via andere vrijwilligers.",
                         "The best volunteers come through other volunteers."),
                    Line(KOEN, "We gaan ook naar de sportclub, de parochie, de moskee.",
                         "We also go to the sports club, the parish, the mosque."),
                    Line(AMINA, "Een vriendin vroeg of ik buddy wilde worden. Ik zei meteen ja.",
                         "A friend asked if I wanted to become a buddy. I said yes right away."),
                    Line(SARA, "Wie zich aanmeldt, krijgt eerst een gesprek bij ons op kantoor.",
                         "Anyone who signs up first gets an interview at our office."),
                    Line(KOEN, "Zo weten we wat iemand zoekt en wat hij of zij kan bieden.",
                         "That way we know what someone is looking for and what they can offer."),
                ),
            ),
            DemoClip(
                id="buddys-blijven-betrokken",
                title="Hoe houd je buddy's betrokken?",
                description="Een buddy vinden is één ding, een buddy houden is iets anders. "
                            "Coaching en intervisie maken het verschil.",
                lines=(
                    Line(SARA, "Veel mensen haken af na een paar maanden. Dat is normaal.",
                         "Many people drop out after a few months. That's normal."),
                    Line(SARA, "Een vrijwilliger moet zich gesteund voelen, niet alleen gelaten.",
                         "A volunteer must feel supported, not left alone."),
                    Line(KOEN, "Elke maand is er intervisie met alle buddy's samen.",
                         "Every month there's a peer review session with all the buddies together."),
                    Line(LUC, "Daar hoor je dat anderen met dezelfde vragen zitten.",
                         "There you hear that others are struggling with the same questions."),
                    Line(LUC, "Dat geeft moed. Je staat er niet alleen voor.",
                         "That gives you courage. You're not in it alone."),
                    Line(KOEN, "En we zeggen ook gewoon dankjewel. Met een etentje, bijvoorbeeld.",
                         "And we also simply say thank you. With a dinner, for example."),
                    Line(AMINA, "Als vrijwilliger voel ik me echt gewaardeerd door het team.",
                         "As a volunteer I feel truly appreciated by the team."),
                ),
            ),
            DemoClip(
                id="waarom-doe-je-dit",
                title="Waarom doe je dit?",
                description="Buddy's vertellen waarom ze zich engageren. "
                            "Hun motivatie is heel divers.",
                lines=(
                    Line(LUC, "Ik ben op pensioen en wilde iets zinvols doen met mijn tijd.",
                         "I'm retired and wanted to do something meaningful with my time."),
                    Line(LUC, "Vrijwilligerswerk houdt mij jong, zeg ik altijd lachend.",
                         "Volunteer work keeps me young, I always say with a laugh."),
                    Line(AMINA, "Ik kwam zelf als nieuwkomer naar België. Ik weet hoe dat voelt.",
                         "I came to Belgium as a newcomer myself. I know how that feels."),
                    Line(AMINA, "Toen had ik ook iemand nodig die de weg toonde.",
                         "Back then I also needed someone to show me the way."),
                    Line(ELS, "Motivaties lopen sterk uiteen, maar één ding komt altijd terug.",
                         "Motivations vary widely, but one thing always comes back."),
                    Line(ELS, "Buddy's willen het gevoel hebben dat ze echt iets betekenen.",
                         "Buddies want to feel that they truly mean something."),
                    Line(YUSUF, "Voor mij betekent mijn buddy heel veel. Hij is familie nu.",
                         "My buddy means a great deal to me. He is family now."),
                ),
            ),
        ),
    ),
    DemoTheme(
        id="omgaan-met-grenzen",
        title="Omgaan met grenzen",
        description="Hoe bewaak je als buddy je eigen grenzen en die van de ander?",
        clips=(
            DemoClip(
                id="je-eigen-grenzen-bewaken",
                title="Je eigen grenzen bewaken",
                description="Buddy's leren dat nee zeggen mag. "
                            "Duidelijke grenzen maken de relatie net sterker.",
                lines=(
                    Line(NARRATOR, "Een buddyrelatie is vriendschappelijk, maar geen vriendschap.",
                         "A buddy relationship is friendly, but it is not a friendship."),
                    Line(LUC, "In het begin nam ik mijn telefoon op, zelfs om middernacht.",
                         "At first I answered my phone, even at midnight."),
                    Line(LUC, "Na een maand was ik op. Ik had geen grenzen gesteld.",
                         "After a month I was exhausted. I hadn't set any boundaries."),
                    Line(KOEN, "Grenzen stellen is niet egoïstisch. Het beschermt jullie allebei.",
                         "Setting boundaries isn't selfish. It protects you both."),
                    Line(KOEN, "We bespreken de grenzen al in het eerste gesprek.",
                         "We already discuss the boundaries in the very first conversation."),
                    Line(AMINA, "Ik zeg nu gewoon: op zondag ben ik er voor mijn eigen gezin.",
                         "Now I simply say: on Sundays I'm there for my own family."),
                    Line(MARLEEN, "Dat begreep ik direct. Zij heeft ook haar leven, hé.",
                         "I understood that right away. She has her own life too, you know."),
                ),
            ),
            DemoClip(
                id="geen-hulpverlener",
                title="Buddy, geen hulpverlener",
                description="Waar stopt de rol van een buddy en begint die van de professional? "
                            "Over doorverwijzen en samenwerken.",
                lines=(
                    Line(SARA, "Een buddy is geen hulpverlener. Dat moeten we blijven herhalen.",
                         "A buddy is not a care worker. We have to keep repeating that."),
                    Line(AMINA, "Ik help met brieven van de mutualiteit of de huisvestingsdienst.",
                         "I help with letters from the health insurer or the housing service."),
                    Line(AMINA, "Maar bij een schuldenprobleem bel ik Koen.",
                         "But when there's a debt problem, I call Koen."),
                    Line(KOEN, "Zo werken we samen. Ieder kent zijn rol en zijn grenzen.",
                         "That's how we work together. Everyone knows their role and limits."),
                    Line(KOEN, "Bij psychische problemen schakelen we altijd een professional in.",
                         "With mental health problems we always bring in a professional."),
                    Line(SARA, "De grenzen van de buddy beschermen ook de deelnemer.",
                         "The buddy's boundaries also protect the participant."),
                    Line(MARLEEN, "Mijn buddy luistert. Voor de rest heb ik mijn psychiater.",
                         "My buddy listens. For everything else I have my psychiatrist."),
                ),
            ),
            DemoClip(
                id="nabijheid-en-afstand",
                title="Nabijheid en afstand",
                description="Over geld lenen, cadeaus en persoonlijke vragen. "
                            "Hoe dichtbij is te dichtbij?",
                lines=(
                    Line(LUC, "Op een dag vroeg hij of ik hem honderd euro kon lenen.",
                         "One day he asked if I could lend him a hundred euros."),
                    Line(LUC, "Dat voelde ongemakkelijk. Ik heb het voorgelegd aan de groep.",
                         "That felt awkward. I brought it up with the group."),
                    Line(KOEN, "Over geld maken we duidelijke afspraken. Dat doen we gewoon niet.",
                         "We make clear agreements about money. We simply don't do that."),
                    Line(YUSUF, "In mijn cultuur help je een vriend altijd met geld.",
                         "In my culture you always help a friend with money."),
                    Line(YUSUF, "Nu begrijp ik dat hier andere grenzen gelden. Dat is oké.",
                         "Now I understand that different boundaries apply here. That's okay."),
                    Line(ELS, "Grenzen zijn niet vast. Ze groeien mee met de relatie.",
                         "Boundaries aren't fixed. They grow along with the relationship."),
                ),
            ),
        ),
    ),
    DemoTheme(
        id="diversiteit",
        title="Diversiteit",
        description="Hoe ga je om met verschillen in cultuur, taal en achtergrond?",
        clips=(
            DemoClip(
                id="verschillende-werelden",
                title="Verschillende werelden",
                description="Buddy's en deelnemers komen vaak uit heel andere werelden. "
                            "Nieuwsgierigheid helpt meer dan voorzichtigheid.",
                lines=(
                    Line(NARRATOR, "Buddy's en deelnemers verschillen vaak in leeftijd en afkomst.",
                         "Buddies and participants often differ in age and background."),
                    Line(LUC, "Ik ben zeventig, Yusuf is drieëntwintig. Dat botst soms.",
                         "I'm seventy, Yusuf is twenty-three. That sometimes clashes."),
                    Line(YUSUF, "Luc eet om zes uur. Ik eet pas om tien uur 's avonds.",
                         "Luc eats at six. I only eat at ten in the evening."),
                    Line(LUC, "We lachen erom. Ik heb al veel van hem geleerd.",
                         "We laugh about it. I've already learned a lot from him."),
                    Line(AMINA, "In sommige huizen zit de hele familie mee aan tafel.",
                         "In some homes the whole family sits down at the table too."),
                    Line(AMINA, "Dan ben je niet de buddy van één persoon, maar van iedereen.",
                         "Then you're not the buddy of one person, but of everyone."),
                    Line(ELS, "Verschillen zijn geen probleem. Ze zijn net een bron van leren.",
                         "Differences aren't a problem. They're actually a source of learning."),
                ),
            ),
            DemoClip(
                id="taal-als-drempel",
                title="Taal als drempel",
                description="Als je elkaars taal niet spreekt, moet je creatief zijn. "
                            "Over gebaren, vertaalapps en geduld.",
                lines=(
                    Line(YUSUF, "In het begin sprak ik geen woord Nederlands.",
                         "At the start I didn't speak a word of Dutch."),
                    Line(LUC, "We gebruikten handen, voeten en een vertaalapp op mijn gsm.",
                         "We used hands, feet and a translation app on my phone."),
                    Line(YUSUF, "Nu oefen ik elke week met Luc. We praten over voetbal.",
                         "Now I practise with Luc every week. We talk about football."),
                    Line(KOEN, "Een buddy is vaak de eerste Vlaming die een nieuwkomer echt kent.",
                         "A buddy is often the first Fleming a newcomer really knows."),
                    Line(SARA, "Daarom zoeken we ook buddy's die zelf een migratieachtergrond hebben.",
                         "That's why we also look for buddies with a migration background."),
                    Line(AMINA, "Ik spreek Arabisch en Nederlands. Dat opent veel deuren.",
                         "I speak Arabic and Dutch. That opens a lot of doors."),
                ),
            ),
            DemoClip(
                id="divers-team",
                title="Een divers team",
                description="Diversiteit gaat niet alleen over deelnemers, maar ook over buddy's. "
                            "Hoe maak je een project echt toegankelijk?",
                lines=(
                    Line(SARA, "Vroeger waren onze buddy's vooral witte, hoogopgeleide vrouwen.",
                         "Our buddies used to be mostly white, highly educated women."),
                    Line(SARA, "Nu zoeken we bewust ook jongeren, mannen en mensen met een beperking.",
                         "Now we deliberately also look for young people, men and disabled people."),
                    Line(MARLEEN, "Ik was eerst deelnemer. Nu ben ik zelf buddy.",
                         "I was a participant first. Now I'm a buddy myself."),
                    Line(MARLEEN, "Ik weet hoe het is om in armoede te leven.",
                         "I know what it's like to live in poverty."),
                    Line(ELS, "Ervaringsdeskundigheid is een enorme kracht in zo'n project.",
                         "Lived experience is an enormous strength in a project like this."),
                    Line(KOEN, "Het vraagt wel extra ondersteuning. Dat moet je inplannen.",
                         "It does require extra support. You have to plan for that."),
                ),
            ),
        ),
    ),
    DemoTheme(
        id="projectmanagement",
        title="Projectmanagement",
        description="Hoe organiseer je een buddyproject van matching tot afsluiting?",
        clips=(
            DemoClip(
                id="de-juiste-match",
                title="De juiste match",
                description="Een goede match is het hart van elk buddyproject. "
                            "Coördinatoren leggen uit hoe ze buddy's en deelnemers koppelen.",
                lines=(
                    Line(SARA, "Matchen is geen wetenschap. Het is vooral goed luisteren.",
                         "Matching isn't a science. It's mostly about listening well."),
                    Line(SARA, "We kijken naar interesses, wijk, beschikbaarheid en karakter.",
                         "We look at interests, neighbourhood, availability and character."),
                    Line(KOEN, "Luc en Yusuf zijn allebei gek op voetbal. Dat was een begin.",
                         "Luc and Yusuf are both crazy about football. That was a start."),
                    Line(LUC, "De eerste afspraak was in een café, met Koen erbij.",
                         "The first meeting was in a café, with Koen there too."),
                    Line(YUSUF, "Ik was nerveus. Na een half uur waren we aan het lachen.",
                         "I was nervous. After half an hour we were laughing."),
                    Line(SARA, "Soms klikt het niet. Dan zoeken we samen een nieuwe match.",
                         "Sometimes it doesn't click. Then we look for a new match together."),
                    Line(KOEN, "Dat is geen mislukking. Het hoort erbij.",
                         "That's not a failure. It's part of the process."),
                ),
            ),
            DemoClip(
                id="opvolging-en-afsluiting",
                title="Opvolging en afsluiting",
                description="Een buddytraject heeft een begin en een einde. "
                            "Over opvolgen, evalueren en goed afscheid nemen.",
                lines=(
                    Line(KOEN, "Na zes weken bellen we beide partners apart op.",
                         "After six weeks we call both partners separately."),
                    Line(KOEN, "Hoe loopt het? Zijn er vragen of zorgen?",
                         "How is it going? Are there any questions or concerns?"),
                    Line(SARA, "Een traject duurt bij ons meestal zes maanden tot een jaar.",
                         "With us a programme usually lasts six months to a year."),
                    Line(SARA, "Dat einde moet je goed voorbereiden, anders doet het pijn.",
                         "You have to prepare that ending well, otherwise it hurts."),
                    Line(MARLEEN, "We hebben afgesloten met een wandeling en een taart.",
                         "We finished with a walk and a cake."),
                    Line(MARLEEN, "We zien elkaar nog steeds, maar nu gewoon als vriendinnen.",
                         "We still see each other, but now simply as friends."),
                    Line(ELS, "Een duidelijke afsluiting maakt ruimte voor wat daarna komt.",
                         "A clear ending makes room for what comes afterwards."),
                ),
            ),
            DemoClip(
                id="tijd-en-middelen",
                title="Tijd en middelen",
                description="Een buddyproject draait op vrijwilligers, maar vraagt ook professionele tijd. "
                            "Over subsidies, administratie en realistische planning.",
                lines=(
                    Line(SARA, "Mensen denken dat een buddyproject niets kost. Dat klopt niet.",
                         "People think a buddy project costs nothing. That isn't true."),
                    Line(SARA, "Per twintig koppels heb je minstens een halftijdse coördinator nodig.",
                         "For every twenty pairs you need at least a half-time coordinator."),
                    Line(KOEN, "Verzekering, onkostenvergoeding, vormingen: het telt allemaal op.",
                         "Insurance, expense allowances, training: it all adds up."),
                    Line(ELS, "Veel projecten draaien op tijdelijke subsidies van twee jaar.",
                         "Many projects run on temporary two-year grants."),
                    Line(ELS, "Net als het goed begint te lopen, valt het geld weg.",
                         "Just as it starts to run well, the money disappears."),
                    Line(SARA, "Plan dus vanaf dag één hoe je verder kunt na de subsidie.",
                         "So plan from day one how you can continue after the grant."),
                ),
            ),
        ),
    ),
    DemoTheme(
        id="impact",
        title="Impact",
        description="Wat verandert er door een buddy, voor deelnemers en voor buddy's zelf?",
        clips=(
            DemoClip(
                id="wat-verandert-er",
                title="Wat verandert er?",
                description="Deelnemers vertellen wat hun buddy voor hen betekende. "
                            "Kleine stappen maken een groot verschil.",
                lines=(
                    Line(MARLEEN, "Ik kwam twee jaar mijn appartement bijna niet uit.",
                         "For two years I hardly ever left my flat."),
                    Line(MARLEEN, "Nu ga ik elke dinsdag naar het buurtrestaurant.",
                         "Now I go to the neighbourhood restaurant every Tuesday."),
                    Line(YUSUF, "Dankzij Luc heb ik een stageplaats gevonden bij een garage.",
                         "Thanks to Luc I found an internship at a garage."),
                    Line(YUSUF, "Hij kende de baas. Zo krijg je hier kansen.",
                         "He knew the boss. That's how you get opportunities here."),
                    Line(ELS, "De impact zit vaak in het netwerk dat een buddy opent.",
                         "The impact often lies in the network a buddy opens up."),
                    Line(ELS, "Mensen voelen zich minder eenzaam en meer gezien.",
                         "People feel less lonely and more seen."),
                    Line(KOEN, "Die impact is moeilijk te meten, maar je ziet hem wel.",
                         "That impact is hard to measure, but you can see it."),
                ),
            ),
            DemoClip(
                id="ook-buddys-veranderen",
                title="Ook buddy's veranderen",
                description="Niet alleen deelnemers winnen erbij. "
                            "Ook buddy's kijken anders naar de wereld na hun traject.",
                lines=(
                    Line(LUC, "Ik had vroeger nogal wat vooroordelen over vluchtelingen.",
                         "I used to have quite a few prejudices about refugees."),
                    Line(LUC, "Nu zie ik Yusuf. Een jonge gast met dromen, zoals mijn kleinzoon.",
                         "Now I see Yusuf. A young guy with dreams, like my grandson."),
                    Line(AMINA, "Ik heb geleerd om geduldig te zijn en echt te luisteren.",
                         "I've learned to be patient and to really listen."),
                    Line(ELS, "Buddy's vertellen dat hun blik op armoede helemaal veranderd is.",
                         "Buddies say their view of poverty has completely changed."),
                    Line(ELS, "Dat is ook impact, en die straalt uit naar hun omgeving.",
                         "That is impact too, and it radiates out to their surroundings."),
                    Line(AMINA, "Mijn collega's vragen nu hoe ze zelf buddy kunnen worden.",
                         "My colleagues now ask how they can become a buddy themselves."),
                ),
            ),
            DemoClip(
                id="van-buddy-naar-buurt",
                title="Van buddy naar buurt",
                description="Een buddyrelatie reikt verder dan twee mensen. "
                            "Rond een koppel ontstaat soms een heel netwerk.",
                lines=(
                    Line(NARRATOR, "Wat begint als een koppel, groeit soms uit tot een netwerk.",
                         "What starts as a pair sometimes grows into a network."),
                    Line(MARLEEN, "Mijn buddy stelde me voor aan haar buren.",
                         "My buddy introduced me to her neighbours."),
                    Line(MARLEEN, "Nu drinken we op zaterdag koffie met vijf mensen uit de buurt.",
                         "Now on Saturdays we have coffee with five people from the area."),
                    Line(KOEN, "Zo ontstaat een zorgzame plek, zonder dat iemand het plant.",
                         "That's how a caring place emerges, without anyone planning it."),
                    Line(ELS, "De impact gaat dan verder dan de buddyrelatie zelf.",
                         "The impact then goes beyond the buddy relationship itself."),
                    Line(SARA, "Dat is eigenlijk de titel van de film: van buddy tot community.",
                         "That's actually the title of the film: from buddy to community."),
                ),
            ),
        ),
    ),
    DemoTheme(
        id="duurzame-verankering",
        title="Duurzame verankering",
        description="Hoe zorg je dat een buddyproject blijft bestaan na de projectperiode?",
        clips=(
            DemoClip(
                id="verder-na-het-project",
                title="Verder na het project",
                description="Wat gebeurt er als de subsidie stopt? "
                            "Projecten zoeken een vaste plek in hun organisatie of gemeente.",
                lines=(
                    Line(SARA, "Drie jaar lang hadden we projectgeld. Wat nu?",
                         "For three years we had project funding. What now?"),
                    Line(SARA, "Verankering begint met de vraag: wie neemt dit over?",
                         "Embedding starts with the question: who takes this over?"),
                    Line(KOEN, "Bij ons is het buddywerk nu geïntegreerd in de gewone werking.",
                         "With us, buddy work is now integrated into our regular operations."),
                    Line(KOEN, "Elke maatschappelijk werker kan een deelnemer doorverwijzen.",
                         "Every social worker can refer a participant."),
                    Line(ELS, "Structurele verankering vraagt steun van het lokaal bestuur.",
                         "Structural embedding requires support from the local government."),
                    Line(ELS, "Projecten die de gemeente vroeg betrekken, overleven vaker.",
                         "Projects that involve the municipality early survive more often."),
                    Line(SARA, "Wij hebben nu een vaste plek in het lokaal sociaal beleid.",
                         "We now have a permanent place in local social policy."),
                ),
            ),
            DemoClip(
                id="naar-een-zorgzame-buurt",
                title="Naar een zorgzame buurt",
                description="Buddywerk kan een hefboom zijn voor een bredere gemeenschap. "
                            "Over de stap van individuele koppels naar een warm netwerk.",
                lines=(
                    Line(NARRATOR, "Buddy's vormen samen soms de kern van iets groters.",
                         "Together, buddies sometimes form the core of something bigger."),
                    Line(KOEN, "Onze buddy's kennen elkaar nu. Ze organiseren zelf activiteiten.",
                         "Our buddies know each other now. They organise activities themselves."),
                    Line(AMINA, "Elke maand koken we samen in het buurthuis voor wie wil komen.",
                         "Every month we cook together at the community centre for whoever comes."),
                    Line(SARA, "Zo groeit er stap voor stap een zorgzame buurt.",
                         "That way, step by step, a caring neighbourhood grows."),
                    Line(LUC, "Ik ken nu mensen uit mijn straat die ik twintig jaar negeerde.",
                         "I now know people from my street whom I ignored for twenty years."),
                    Line(ELS, "Duurzame verankering betekent ook: het netwerk draagt zichzelf.",
                         "Lasting embedding also means: the network sustains itself."),
                    Line(YUSUF, "Nu ben ik zelf buddy van een jongen die net aangekomen is.",
                         "Now I'm a buddy myself to a boy who has just arrived."),
                    Line(SARA, "Van buddy tot community. Zo is de cirkel rond.",
                         "From buddy to community. That's how the circle is complete."),
                ),
            ),
            DemoClip(
                id="lessen-voor-nieuwe-projecten",
                title="Lessen voor nieuwe projecten",
                description="Wat zouden de projecten anders doen als ze opnieuw mochten beginnen? "
                            "Praktische tips voor wie zelf een buddyproject opstart.",
                lines=(
                    Line(ELS, "Na drie jaar onderzoek zien we een paar duidelijke lessen.",
                         "After three years of research we see a few clear lessons."),
                    Line(ELS, "Begin klein, maar denk vanaf het begin aan de lange termijn.",
                         "Start small, but think about the long term from the very start."),
                    Line(SARA, "Schrijf alles op: je methode, je vormingen, je afspraken.",
                         "Write everything down: your method, your training, your agreements."),
                    Line(SARA, "Dan kan iemand anders het overnemen als jij vertrekt.",
                         "Then someone else can take it over when you leave."),
                    Line(KOEN, "Werk samen met andere organisaties in de regio. Alleen lukt het niet.",
                         "Work with other organisations in the region. You can't do it alone."),
                    Line(LUC, "En geef buddy's een stem. Wij weten wat werkt op het terrein.",
                         "And give buddies a voice. We know what works on the ground."),
                ),
            ),
        ),
    ),
)
