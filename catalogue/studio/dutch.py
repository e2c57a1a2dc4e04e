"""The studio's Dutch for the English messages of `catalogue check`, the subtitle reader and lint,
the VTT editor and the cut-list editor (the CLI keeps them English; only the web pages are Dutch).

`dutch(message)` matches the message against one table of templates, each a regex whose named
groups are the values (timecodes, ids, quoted cue text, numbers, paths), and renders it in Dutch
with those values unchanged. Groups named `msg…` hold a nested message, rendered in turn; a group
`where` is the "clip 'x'" / "theme 'x'" / "session 'x', step 2" part of a problem. A message no template knows stays English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

TC = r"\d{2,}:\d{2}:\d{2}\.\d{3}"  # format_timecode
_HH = "'hh:mm:ss.mmm --> hh:mm:ss.mmm'"
_SRT = "'hh:mm:ss,mmm --> hh:mm:ss,mmm'"
_NOTHING = "nothing was changed"
_KIND = {"theme": "elk thema", "clip": "elke clip", "film": "de film", "session": "elke sessie"}
_STEP = {"clip": "clipstap", "discussion": "besprekingsstap"}
_KINDS = (r'a clip step \(clip = "<clip id>"\) or a discussion step \(questions = \["…"\], or discussion = true\)',
          'een clipstap (clip = "<clip id>") of een besprekingsstap (questions = ["…"], of discussion = true)')
_BEFORE = "the questions of the clips before it"

Render = str | Callable[[dict[str, str]], str]

# (English template as a regex, Dutch); the first that matches the whole message wins
_TEMPLATES: list[tuple[str, Render]] = [
    # --- cutlist.py: the checker's fields -------------------------------------------------------
    (r"must be a table", "moet een tabel zijn"),
    (r"unknown key \(did you mean '(?P<close>[^']*)'\?\)", "onbekende sleutel (bedoel je '{close}'?)"),
    (r"unknown key; allowed: (?P<keys>.*)", "onbekende sleutel; toegestaan: {keys}"),
    (r"required key is missing", "verplichte sleutel ontbreekt"),
    (r"must be a string, not (?P<type>\w+)", "moet tekst zijn, geen {type}"),
    (r"must not be empty", "mag niet leeg zijn"),
    (r"must be a list of strings", "moet een lijst van teksten zijn"),
    (r'must be a list of questions, \["…", "…"\], not (?P<type>\w+)',
     'moet een lijst van vragen zijn, ["…", "…"], geen {type}'),
    (r"(?P<value>'[^']*'|\"[^\"]*\") is not a slug: use lowercase letters, digits and single hyphens, "
     r"e\.g\. 'buddys-vinden'",
     "{value} is geen slug: gebruik kleine letters, cijfers en enkele koppeltekens, bijv. 'buddys-vinden'"),
    (r"file not found: (?P<path>.+)", "bestand niet gevonden: {path}"),
    (r"file name contains a NUL character \(\\u0000\)", "de bestandsnaam bevat een NUL-teken (\\u0000)"),
    (r"file is not readable: (?P<path>.+) \((?P<reason>[^()]*)\)", "bestand is niet leesbaar: {path} ({reason})"),
    (r"file not found", "bestand niet gevonden"),
    (r"cannot read the file: (?P<reason>.+)", "het bestand kan niet gelezen worden: {reason}"),
    (r"invalid TOML: (?P<detail>.+)", "ongeldige TOML: {detail}"),
    (r"unknown table \(did you mean '(?P<close>[^']*)'\?\)", "onbekende tabel (bedoel je '{close}'?)"),
    (r"unknown table; allowed: (?P<tables>.*)", "onbekende tabel; toegestaan: {tables}"),
    (r"the \[film\] table is missing", "de tabel [film] ontbreekt"),
    (r"(?P<name>.+) has no video stream", "{name} heeft geen videostroom"),
    (r'must be a table: language code = "file\.vtt"', 'moet een tabel zijn: taalcode = "file.vtt"'),
    (r"not a language code like 'nl' or 'en'", "geen taalcode zoals 'nl' of 'en'"),
    (r"(?P<name>.+): use a \.vtt or \.srt file", "{name}: gebruik een .vtt- of .srt-bestand"),
    (r"must not be empty: name a \.vtt or \.srt file", "mag niet leeg zijn: noem een .vtt- of .srt-bestand"),
    (r'must be a file path string, or a table \{ file = "…", made_by = "…", reviewed = false \}',
     'moet een bestandspad (tekst) zijn, of een tabel {{ file = "…", made_by = "…", reviewed = false }}'),
    (r"must be true or false \(no quotes\), not (?P<value>.+)",
     "moet true of false zijn (zonder aanhalingstekens), niet {value}"),
    (r'reviewed = false without made_by: the site only flags machine-made subtitles; say what made them '
     r'with made_by = "…"',
     'reviewed = false zonder made_by: de site markeert alleen machinaal gemaakte ondertitels; zeg waarmee '
     'ze gemaakt zijn met made_by = "…"'),
    (r"write each (?P<kind>theme|clip|film|session) as \[\[(?P=kind)\]\]",
     lambda g: f"schrijf {_KIND[g['kind']]} als [[{g['kind']}]]"),
    (r"name at least one theme", "noem minstens één thema"),
    (rf"(?P<end>{TC}) is past the end of the film \((?P<duration>{TC})\)",
     "{end} ligt na het einde van de film ({duration})"),
    (rf"(?P<end>{TC}) is not after start (?P<start>{TC})", "{end} ligt niet na het begin {start}"),
    (r"clip is (?P<ms>-?\d+) ms long; a clip lasts at least 1 s",
     "de clip duurt {ms} ms; een clip duurt minstens 1 s"),
    (rf"(?P<poster>{TC}) is outside the clip \((?P<start>{TC})–(?P<end>{TC})\)",
     "{poster} ligt buiten de clip ({start}–{end})"),
    (rf"(?P<at>{TC}) cuts through the (?P<lang>\S+) cue (?P<start>{TC})–(?P<end>{TC}) \((?P<words>.*)\); "
     rf"nearest cue boundary: (?P<nearest>{TC})",
     "{at} snijdt door de {lang}-cue {start}–{end} ({words}); dichtstbijzijnde cuegrens: {nearest}"),
    (r"duplicate film id \(also in (?P<path>.+)\)", "dubbele film-id (ook in {path})"),
    (r"duplicate theme id", "dubbele thema-id"),
    (r"duplicate clip id \(also in (?P<path>.+)\)", "dubbele clip-id (ook in {path})"),
    (r"duplicate clip id", "dubbele clip-id"),
    (r"unknown theme '(?P<id>.*)' \(did you mean '(?P<close>[^']*)'\?\)",
     "onbekend thema '{id}' (bedoel je '{close}'?)"),
    (r"unknown theme '(?P<id>.*)'; define it with \[\[theme\]\]",
     "onbekend thema '{id}'; definieer het met [[theme]]"),
    # --- cutlist_sessions.py: [[session]] tables and their steps ---------------------------------
    (r"write each step as \[\[session\.step\]\]", "schrijf elke stap als [[session.step]]"),
    (r"a session needs at least one step: add \[\[session\.step\]\] tables",
     "een sessie heeft minstens één stap nodig: voeg [[session.step]]-tabellen toe"),
    (rf"a step is either {_KINDS[0]}, not both", f"een stap is óf {_KINDS[1]}, niet allebei"),
    (rf"say what the step is: {_KINDS[0]}", f"zeg wat voor stap het is: {_KINDS[1]}"),
    (r"only a (?P<kind>clip|discussion) step has a (?P<key>\w+)",
     lambda g: f"{g['key']} hoort alleen bij een {_STEP[g['kind']]}"),
    (r"must not be empty: name a clip id", "mag niet leeg zijn: noem een clip-id"),
    (rf"must be true \(no quotes\), not (?P<value>.+): it takes {_BEFORE}",
     "moet true zijn (zonder aanhalingstekens), niet {value}: de stap neemt de vragen van de clips ervoor"),
    (r"write questions = \[…\] or discussion = true, not both",
     "schrijf questions = […] of discussion = true, niet allebei"),
    (rf"name at least one question, or write discussion = true to take {_BEFORE}",
     "noem minstens één vraag, of schrijf discussion = true om de vragen van de clips ervoor te nemen"),
    (r"must be a whole number of minutes from 1 to (?P<max>\d+), not (?P<value>.+)",
     "moet een heel aantal minuten zijn van 1 tot en met {max}, niet {value}"),
    (r"(?P<id>'[^']*') cannot be a session id: /sessions/new is the page of a session made in its URL, so this "
     r"session could never be opened; choose another id",
     "{id} kan geen sessie-id zijn: /sessions/new is de pagina van een sessie die in haar URL gemaakt is, dus "
     "deze sessie zou nooit te openen zijn; kies een andere id"),
    (r"duplicate session id \(also in (?P<path>.+)\)", "dubbele sessie-id (ook in {path})"),
    (r"duplicate session id", "dubbele sessie-id"),
    (r'the clips since the previous discussion step have no questions: write questions = \["…"\]',
     'de clips sinds de vorige besprekingsstap hebben geen vragen: schrijf questions = ["…"]'),
    (r"unknown clip '(?P<id>.*)' \(did you mean '(?P<close>[^']*)'\?\)", "onbekende clip '{id}' (bedoel je '{close}'?)"),
    (r"unknown clip '(?P<id>.*)'", "onbekende clip '{id}'"),
    (rf"(?P<at>{TC}) is past the end of clip '(?P<id>.*)' \((?P<length>{TC}) long; times are clip time\)",
     "{at} ligt na het einde van clip '{id}' (die {length} duurt; de tijden zijn cliptijd)"),
    (rf"(?P<at>{TC}) is the end of clip '(?P<id>.*)': nothing is left to play",
     "{at} is het einde van clip '{id}': er blijft niets over om af te spelen"),
    (r"must be after the clip's start \(0\)", "moet na het begin van de clip (0) liggen"),
    # --- timecode.py: TimecodeError -------------------------------------------------------------
    (r"invalid timecode (?P<value>.+): (?P<msg>use hh:mm:ss\.mmm, mm:ss\.mmm, hh:mm:ss or a number of seconds"
     r"|must not be negative|must be a finite number of seconds, not negative|minutes must be below 60"
     r"|seconds must be below 60)",
     "ongeldige tijdcode {value}: {msg}"),
    (r"use hh:mm:ss\.mmm, mm:ss\.mmm, hh:mm:ss or a number of seconds",
     "gebruik hh:mm:ss.mmm, mm:ss.mmm, hh:mm:ss of een aantal seconden"),
    (r"must not be negative", "mag niet negatief zijn"),
    (r"must be a finite number of seconds, not negative", "moet een eindig aantal seconden zijn, niet negatief"),
    (r"minutes must be below 60", "de minuten moeten onder 60 blijven"),
    (r"seconds must be below 60", "de seconden moeten onder 60 blijven"),
    # --- subtitles.py: TranscriptError reasons --------------------------------------------------
    (r"not valid (?P<encoding>[\w-]+) text \(byte (?P<byte>\d+)\); save the file as UTF-8",
     "geen geldige {encoding}-tekst (byte {byte}); sla het bestand op als UTF-8"),
    (r"malformed cue timing (?P<line>.+): the arrow must be '-->'", "onjuiste cuetiming {line}: de pijl moet '-->' zijn"),
    (rf"text without a timing line: expected {_HH} \(a cue whose timing is missing\?\)",
     f"tekst zonder tijdregel: verwacht {_HH} (een cue zonder timing?)"),
    (rf"malformed cue timing (?P<line>.+): expected {_HH} \(two digits for minutes and seconds, three for "
     r"milliseconds\)",
     f"onjuiste cuetiming {{line}}: verwacht {_HH} (twee cijfers voor minuten en seconden, drie voor "
     "milliseconden)"),
    (r"not a WebVTT file: the first line must be 'WEBVTT'", "geen WebVTT-bestand: de eerste regel moet 'WEBVTT' zijn"),
    (r"a cue timing line inside the header; put a blank line after the 'WEBVTT' line and its headers",
     "een tijdregel in de header; zet een lege regel na de regel 'WEBVTT' en zijn headers"),
    (r"malformed WebVTT: (?P<detail>.+)", "onjuiste WebVTT: {detail}"),
    (r"malformed cue", "onjuiste cue"),
    (r"cue ends before it starts", "de cue eindigt voordat hij begint"),
    (rf"not an SRT cue: expected a number and a timing line {_SRT}",
     f"geen SRT-cue: verwacht een nummer en een tijdregel {_SRT}"),
    (rf"a cue number without a timing line: expected {_SRT} after it",
     f"een cuenummer zonder tijdregel: verwacht {_SRT} erna"),
    (rf"malformed cue timing: expected {_SRT}", f"onjuiste cuetiming: verwacht {_SRT}"),
    (r"malformed cue: the line before the timing must be the cue number",
     "onjuiste cue: de regel vóór de timing moet het cuenummer zijn"),
    (r"malformed SRT: (?P<detail>.+)", "onjuiste SRT: {detail}"),
    # --- subtitles.py: lint_cues ----------------------------------------------------------------
    (r"reading speed (?P<n>\d+) characters/second \(at most (?P<max>\d+)\)",
     "leessnelheid {n} tekens per seconde (hoogstens {max})"),
    (r"a line longer than (?P<n>\d+) characters", "een regel langer dan {n} tekens"),
    (r"(?P<n>\d+) lines \(at most (?P<max>\d+)\)", "{n} regels (hoogstens {max})"),
    (r"shown (?P<ms>\d+) ms \(at least (?P<min>\d+)\)", "{ms} ms in beeld (minstens {min})"),
    (r"shown (?P<s>[\d.]+) s \(at most (?P<max>\d+) s\)", "{s} s in beeld (hoogstens {max} s)"),
    (rf"overlaps the cue at (?P<at>{TC})", "overlapt met de cue op {at}"),
    # --- vttdoc.py: VttEditError reasons, TranscriptError, VttChangedError ----------------------
    (rf"(?P<at>{TC}) is not inside the cue \((?P<start>{TC}) --> (?P<end>{TC})\)",
     "{at} ligt niet binnen de cue ({start} --> {end})"),
    (r"give both texts of a split, or neither", "geef bij een splitsing beide teksten, of geen van beide"),
    (r"the last cue has no next cue to merge with", "de laatste cue heeft geen volgende cue om mee samen te voegen"),
    (r"no such cue \(the file has (?P<n>\d+)\)", "die cue bestaat niet (het bestand heeft er {n})"),
    (r"the edit would make the file invalid \((?P<msg>.+)\)", "de bewerking zou het bestand ongeldig maken ({msg})"),
    (r"would be read back as (?P<got>.+), not as asked", "zou teruggelezen worden als {got}, niet zoals gevraagd"),
    (r"one word cannot be divided: give the text of both cues",
     "één woord kan niet gedeeld worden: geef de tekst van beide cues"),
    (r"times must be whole milliseconds, not negative: (?P<value>.+)",
     "tijden moeten hele milliseconden zijn, niet negatief: {value}"),
    (rf"ends \((?P<end>{TC})\) before it starts \((?P<start>{TC})\)", "eindigt ({end}) voordat hij begint ({start})"),
    (r"identifier (?P<id>.+) cannot be written: one line, not blank, without '-->', not starting with NOTE, "
     r"STYLE or REGION",
     "identifier {id} kan niet geschreven worden: één regel, niet leeg, zonder '-->', niet beginnend met NOTE, "
     "STYLE of REGION"),
    (r"unknown cue setting (?P<setting>.+) \(e\.g\. align:start, line:90%, position:10%\)",
     "onbekende cue-instelling {setting} (bijv. align:start, line:90%, position:10%)"),
    (r"a cue needs text \(delete the cue instead\)", "een cue heeft tekst nodig (verwijder anders de cue)"),
    (r"'-->' cannot be in cue text", "'-->' mag niet in de tekst van een cue staan"),
    (r"the text holds a character that cannot be written \(a lone surrogate\)",
     "de tekst bevat een teken dat niet geschreven kan worden (een losse surrogaat)"),
    (r"timing line (?P<line>.+) not understood", "tijdregel {line} niet begrepen"),
    (r"the cue blocks and the cues read do not match", "de cueblokken en de gelezen cues komen niet overeen"),
    (r"an SRT file cannot be edited here, only read: convert it to WebVTT first \(ffmpeg -i film\.srt "
     r"film\.vtt\) and name the \.vtt in the cut list",
     "een SRT-bestand kan hier niet bewerkt worden, alleen gelezen: zet het eerst om naar WebVTT (ffmpeg -i "
     "film.srt film.vtt) en noem de .vtt in de cut list"),
    (r"(?P<path>.+): (?P<gone>was removed|changed) since it was loaded \(edited elsewhere\?\); nothing was "
     r"written: reload it and make the change again",
     lambda g: f"{g['path']}: {'is verwijderd' if g['gone'] == 'was removed' else 'is gewijzigd'} sinds het "
               "geladen werd (elders bewerkt?); er is niets geschreven: herlaad het en maak de wijziging opnieuw"),
    (r"cue (?P<index>\d+): (?P<msg>.+)", "cue {index}: {msg}"),
    # --- cutlist_edit.py, cutlist_clips.py: CutListEditError, ClipEditError reasons -------------------------------
    (rf"has no \[film\] table, so there is no place for its subtitles: add \[film\] first \(`catalogue check` "
     rf"says what it needs\); {_NOTHING}",
     "heeft geen tabel [film], dus geen plaats voor zijn ondertitels: voeg eerst [film] toe (`catalogue "
     "check` zegt wat erin moet); er is niets gewijzigd"),
    (r"cannot read the cut list \((?P<reason>.+)\)", "de cut list kan niet gelezen worden ({reason})"),
    (r"changed while this command ran \(someone edited it\?\): left as it is\. Run the command again, or make "
     r"the change by hand",
     "gewijzigd terwijl deze opdracht liep (door iemand anders bewerkt?): ongemoeid gelaten. Voer de opdracht "
     "opnieuw uit, of maak de wijziging met de hand"),
    (rf"is not UTF-8 text \((?P<reason>.+) at byte (?P<byte>\d+)\): save it as UTF-8; {_NOTHING}",
     "is geen UTF-8-tekst ({reason} bij byte {byte}): sla het op als UTF-8; er is niets gewijzigd"),
    (rf"is not valid TOML \((?P<detail>.+)\): fix that first \(`catalogue check` shows where\); {_NOTHING}",
     "is geen geldige TOML ({detail}): herstel dat eerst (`catalogue check` toont waar); er is niets gewijzigd"),
    (rf"cannot set \[film\.subtitles\] (?P<lang>\S+) here without changing something else \(its layout is "
     rf"unusual\): {_NOTHING}; make the change by hand",
     "kan [film.subtitles] {lang} hier niet instellen zonder iets anders te wijzigen (de opmaak is ongewoon): "
     "er is niets gewijzigd; maak de wijziging met de hand"),
    (rf'\[film\] subtitles is not a table: write it as \[film\.subtitles\] with one line per language '
     rf'\(nl = "…"\); {_NOTHING}',
     '[film] subtitles is geen tabel: schrijf het als [film.subtitles] met één regel per taal (nl = "…"); '
     "er is niets gewijzigd"),
    (r"has no \[film\.subtitles\] (?P<lang>\S+): nothing to mark as reviewed \(`catalogue transcribe` adds a "
     r"transcript\)",
     "heeft geen [film.subtitles] {lang}: niets om als nagekeken te markeren (`catalogue transcribe` voegt "
     "een transcript toe)"),
    (rf"\[film\.subtitles\] (?P<lang>\S+) is neither a file nor a table: fix it first \(`catalogue check` says "
     rf"how\); {_NOTHING}",
     "[film.subtitles] {lang} is geen bestand en geen tabel: herstel dat eerst (`catalogue check` zegt hoe); "
     "er is niets gewijzigd"),
    (r"a clip's id cannot change once saved \((?P<old>.+), not (?P<new>.+)\): it is in every link to the clip",
     "de id van een clip kan niet meer veranderen na het opslaan ({old}, niet {new}): hij staat in elke "
     "link naar de clip"),
    (r"there is a theme with id (?P<id>.+) already", "er is al een thema met id {id}"),
    (r"there is a clip with id (?P<id>.+) already: choose another id", "er is al een clip met id {id}: kies een andere id"),
    (rf"cannot delete clip (?P<id>.+) and keep the comments under it here: {_NOTHING}; delete it by hand",
     "clip {id} kan hier niet verwijderd worden met behoud van het commentaar eronder: er is niets gewijzigd; "
     "verwijder hem met de hand"),
    (rf"cannot be edited without changing its layout \(are its \[\[clip\]\] tables all together, one after the "
     rf"other\?\): {_NOTHING}; make the change by hand",
     "kan niet bewerkt worden zonder de opmaak te wijzigen (staan alle [[clip]]-tabellen bij elkaar, na "
     "elkaar?): er is niets gewijzigd; maak de wijziging met de hand"),
    (rf"has no \[film\] table: add \[film\] first \(`catalogue check` says what it needs\); {_NOTHING}",
     "heeft geen tabel [film]: voeg eerst [film] toe (`catalogue check` zegt wat erin moet); er is niets gewijzigd"),
    (rf"cannot make this change here without changing something else \(its layout is unusual\): {_NOTHING}; "
     r"make the change by hand",
     "kan deze wijziging hier niet maken zonder iets anders te wijzigen (de opmaak is ongewoon): er is niets "
     "gewijzigd; maak de wijziging met de hand"),
    (r"has no clip with id (?P<id>.+) \(deleted meanwhile\?\)", "heeft geen clip met id {id} (intussen verwijderd?)"),
    (r"has more than one clip with id (?P<id>.+): fix that first \(`catalogue check` shows where\)",
     "heeft meer dan één clip met id {id}: herstel dat eerst (`catalogue check` toont waar)"),
    (rf"its clips are not written as \[\[clip\]\] tables: write each clip as \[\[clip\]\] \(as the README "
     rf"shows\); {_NOTHING}",
     "de clips staan er niet als [[clip]]-tabellen: schrijf elke clip als [[clip]] (zoals de README toont); "
     "er is niets gewijzigd"),
    # --- media.py: MediaError reasons (the prober's, reported on the film's video) ----------------
    (r"file is not readable \(check its permissions\)", "bestand is niet leesbaar (controleer de rechten)"),
    (r"not a media file ffmpeg can read: (?P<detail>.*)", "geen mediabestand dat ffmpeg kan lezen: {detail}"),
    (r"interrupted", "onderbroken"),
    (r"cannot start ffmpeg \((?P<exe>.+)\): (?P<reason>.*)", "ffmpeg kan niet starten ({exe}): {reason}"),
    (r"ffmpeg took longer than (?P<s>\d+) s and was stopped", "ffmpeg duurde langer dan {s} s en is gestopt"),
    (r"ffmpeg failed \(exit (?P<code>-?\d+)\): (?P<detail>.*)", "ffmpeg mislukte (exit {code}): {detail}"),
    # --- cutlist/persons.py: [[person]] (issue 19) --------------------------------------------------
    (r"write each person as \[\[person\]\]", "schrijf elke persoon als [[person]]"),
    (r"duplicate person id in this cut list: write all of a person's appearances in one \[\[person\]\]",
     "dubbele persoon-id in deze cut list: schrijf alle verschijningen van een persoon in één [[person]]"),
    (r"must be one of (?P<values>.+), not (?P<value>.+)", "moet een van {values} zijn, niet {value}"),
    (r"only a withdrawn person has clips = …: `catalogue withdraw` writes both",
     "alleen een teruggetrokken persoon heeft clips = …: `catalogue withdraw` schrijft beide"),
    (r"consent was renewed on (?P<date>\S+) after it was withdrawn: remove the withdrawn line \(and clips\) "
     r"to publish again",
     "de toestemming werd op {date} vernieuwd na de terugtrekking: verwijder de regel withdrawn (en clips) om "
     "opnieuw te publiceren"),
    (r'must be a list of \[start, end\] pairs, e\.g\. (?P<example>.+)',
     "moet een lijst van paren [begin, einde] zijn, bijv. {example}"),
    (r"must be a pair \[start, end\], not (?P<value>.+)", "moet een paar [begin, einde] zijn, niet {value}"),
    (rf"(?P<end>{TC}) is not after (?P<start>{TC})", "{end} ligt niet na {start}"),
    (r"no appearances: withdrawing this person would remove nothing; add the film time ranges where they are "
     r"seen or heard",
     "geen verschijningen: deze persoon terugtrekken zou niets verwijderen; voeg de tijdvakken van de film toe "
     "waarin de persoon te zien of te horen is"),
    (r'must be a date written YYYY-MM-DD, e\.g\. "2030-06-30", not (?P<value>.+)',
     'moet een datum zijn, geschreven als JJJJ-MM-DD, bijv. "2030-06-30", niet {value}'),
    (r"must be a list of uses, e\.g\. (?P<example>.+)", "moet een lijst van gebruiken zijn, bijv. {example}"),
    (r"unknown use (?P<use>.+) \(did you mean '(?P<close>[^']*)'\?\)", "onbekend gebruik {use} (bedoel je '{close}'?)"),
    (r"unknown use (?P<use>.+); the uses are (?P<uses>.+)", "onbekend gebruik {use}; de gebruiken zijn {uses}"),
    (r"must include 'site': embeds, downloads and lesson packs all come from the site; a person who did not "
     r"consent to the site is left out of the catalogue",
     "moet 'site' bevatten: insluiten, downloads en lesmappen komen allemaal van de site; wie geen toestemming "
     "gaf voor de site, blijft buiten de catalogus"),
    (r"consent ended on (?P<date>\S+): the site treats (?P<id>'[^']*') as withdrawn; `catalogue cut` and "
     r"`catalogue index` remove what remains, or renew the consent",
     "de toestemming liep af op {date}: de site behandelt {id} als teruggetrokken; `catalogue cut` en "
     "`catalogue index` verwijderen wat overblijft, of vernieuw de toestemming"),
    (r"consent ends on (?P<date>\S+) \(in (?P<days>\d+) days?\): renew it, or the site treats (?P<id>'[^']*') as "
     r"withdrawn from the day after",
     lambda g: f"de toestemming loopt af op {g['date']} (over {g['days']} dag{'en' if g['days'] != '1' else ''}): "
               f"vernieuw ze, of de site behandelt {g['id']} vanaf de dag erna als teruggetrokken"),
    (r"names (?P<names>.+) with no \[\[person\]\] entry: add one \(id, name, appearances\) so consent can be "
     r"withdrawn",
     "noemt {names} zonder [[person]]: voeg er een toe (id, name, appearances) zodat toestemming ingetrokken kan "
     "worden"),
    # --- errors.py: the whole of a CutListError ---------------------------------------------------
    (r"(?P<n>\d+) errors? in the cut list:\n(?P<lines>.*)",
     lambda g: f"{g['n']} {'fout' if g['n'] == '1' else 'fouten'} in de cut list:\n"
               + "\n".join(f"  {dutch(line.strip())}" for line in g["lines"].split("\n"))),
]

# what wraps a message: tried when no template matched, and only taken when the message inside is known
_PLACE = (r"(?P<where>(?:clip|theme|film|person) '[^']*'|(?:clip|theme|film|person) #\d+|film|cut list|cue at " + TC
          + r"|session(?: '[^']*'| #\d+)?(?:, step \d+)?)")
_WRAPPERS: list[tuple[str, Render]] = [
    (r"(?P<msg>.+) \(line (?P<line>\d+)\)", "{msg} (regel {line})"),
    (_PLACE + r", field '(?P<field>[^']*)': (?P<msg>.+)", "{where}, veld '{field}': {msg}"),
    (_PLACE + r": (?P<msg>.+)", "{where}: {msg}"),
    (r"(?P<path>.+), line (?P<line>\d+): (?P<msg>.+)", "{path}, regel {line}: {msg}"),
]

_WHERE = [
    (re.compile(r"theme (?P<rest>'.*'|#\d+)"), "thema {rest}"),
    (re.compile(r"(?P<kind>clip|film) (?P<rest>'.*'|#\d+)"), "{kind} {rest}"),
    (re.compile(r"person (?P<rest>'.*'|#\d+)"), "persoon {rest}"),
    (re.compile(rf"cue at (?P<at>{TC})"), "cue op {at}"),
    (re.compile(r"session (?P<rest>'.*'|#\d+), step (?P<step>\d+)"), "sessie {rest}, stap {step}"),
    (re.compile(r"session (?P<rest>'.*'|#\d+)"), "sessie {rest}"),
    (re.compile(r"session"), "sessie"),
]


def _compile(table: list[tuple[str, Render]]) -> list[tuple[re.Pattern[str], Render]]:
    return [(re.compile(pattern, re.DOTALL), render) for pattern, render in table]


_COMPILED = _compile(_TEMPLATES)
_COMPILED_WRAPPERS = _compile(_WRAPPERS)


def dutch(message: str) -> str:
    """`message` in Dutch when a template knows it (its values unchanged), else as it is."""
    found = _render(message, _COMPILED, strict=False)
    if found is not None:
        return found
    found = _render(message, _COMPILED_WRAPPERS, strict=True)
    if found is not None:
        return found
    # "<path>: <reason>", as CutListEditError, TranscriptError and MediaError put it: a path may hold ": "
    for split in re.finditer(": ", message):
        reason = message[split.end():]
        rendered = dutch(reason)
        if rendered != reason:
            return f"{message[:split.start()]}: {rendered}"
    return message


def where(place: str) -> str:
    """A Problem's `where` ("theme 'x'", "clip #2", "cue at 00:00:01.000", "cut list") in Dutch."""
    for pattern, render in _WHERE:
        match = pattern.fullmatch(place)
        if match:
            return render.format(**match.groupdict())
    return place


def _render(message: str, table: list[tuple[re.Pattern[str], Render]], *, strict: bool) -> str | None:
    for pattern, render in table:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        values = {}
        known = True
        for name, value in match.groupdict().items():
            value = value or ""
            if name.startswith("msg"):
                rendered = dutch(value)
                known = known and rendered != value
                value = rendered
            elif name == "where":
                value = where(value)
            values[name] = value
        if strict and not known:
            continue
        return render(values) if callable(render) else render.format(**values)
    return None
