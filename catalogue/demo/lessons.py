"""Teaching metadata and ready-made sessions for `catalogue demo` (issue 12): demo content too,
written for this project, not from the real film. The clips and themes they speak of are in
`demo_script`; here are their learning goals, questions and audiences, the themes' introductions,
the sessions, and the TOML the demo's cut list gets of them.
"""
from __future__ import annotations

import json
from typing import NamedTuple

from catalogue.demo.script import THEMES, DemoTheme


class Teaching(NamedTuple):
    learning_goal: str         # Dutch, one sentence: what a viewer can do or knows after the clip
    questions: tuple[str, ...]  # Dutch, 2–3 discussion questions for after the clip
    audience: str              # Dutch: for whom the clip is meant


class DemoStep(NamedTuple):
    """One [[session.step]]: a clip (whole, or start–end in clip time) or a discussion."""

    clip: str = ""
    start: str = ""
    end: str = ""
    questions: tuple[str, ...] = ()
    discussion: bool = False  # the questions of the clips since the previous discussion step
    minutes: int | None = None
    title: str = ""


class DemoSession(NamedTuple):
    id: str
    title: str
    description: str
    audience: str
    steps: tuple[DemoStep, ...]


COORDINATORS = "Coördinatoren van buddyprojecten"
BUDDIES = "Buddy's en vrijwilligers in opleiding"

INTRODUCTIONS: dict[str, str] = {
    "rekrutering": "Zonder vrijwilligers geen buddyproject. Deze clips tonen waar projecten buddy's vinden, hoe ze "
                   "hen betrokken houden en waarom mensen zich engageren. Laat de groep vooraf noteren hoe zij zelf "
                   "bij hun vrijwilligerswerk terechtkwamen.",
    "omgaan-met-grenzen": "Een buddyrelatie is vriendschappelijk, maar geen vriendschap. De clips gaan over nee zeggen, "
                          "over het verschil tussen een buddy en een hulpverlener, en over geld en nabijheid. Werk met "
                          "herkenbare situaties uit de eigen praktijk van de groep.",
    "diversiteit": "Buddy's en deelnemers verschillen in leeftijd, taal, cultuur en achtergrond. De clips tonen die "
                   "verschillen als een bron van leren en vragen hoe toegankelijk een project is voor verschillende "
                   "vrijwilligers. Vraag de groep naar verschillen die hen verrasten.",
    "projectmanagement": "Een buddyproject loopt van matching over opvolging tot afsluiting, en vraagt meer tijd en "
                         "middelen dan vaak gedacht. Geschikt voor coördinatoren en wie een project plant: laat hen "
                         "hun eigen traject uittekenen naast dat van de clips.",
    "impact": "Wat verandert er door een buddy, voor de deelnemer, voor de buddy zelf en voor de buurt? De clips tonen "
              "kleine stappen met een groot effect. Bespreek hoe je die impact zichtbaar maakt, ook als ze moeilijk "
              "te meten is.",
    "duurzame-verankering": "Hoe blijft een buddyproject bestaan als het projectgeld stopt? Over de overstap naar de "
                            "gewone werking, de rol van het lokaal bestuur en lessen voor nieuwe projecten. Een goede "
                            "afsluiter van een vormingsdag.",
}

TEACHING: dict[str, Teaching] = {
    "hoe-vind-je-buddys": Teaching(
        "Je kent kanalen om vrijwilligers te werven en weet waarom persoonlijk aanspreken het best werkt.",
        ("Via welke kanalen kwamen de vrijwilligers in jouw organisatie binnen?",
         "Wie in jouw netwerk zou je persoonlijk kunnen vragen om buddy te worden?",
         "Wat wil je weten uit een eerste gesprek met een kandidaat-buddy?"),
        COORDINATORS),
    "buddys-blijven-betrokken": Teaching(
        "Je weet hoe coaching, intervisie en waardering vrijwilligers betrokken houden.",
        ("Waarom haken vrijwilligers volgens jou af na een paar maanden?",
         "Hoe ziet de ondersteuning van buddy's er in jouw werking uit?",
         "Op welke manier bedank jij vrijwilligers vandaag?"),
        "Coördinatoren en vrijwilligersverantwoordelijken"),
    "waarom-doe-je-dit": Teaching(
        "Je ziet hoe verschillend de motivatie van buddy's is en hoe een project daarop inspeelt.",
        ("Welke motivaties hoor je in de clip, en welke herken je bij jezelf?",
         "Hoe kan een project inspelen op zulke verschillende drijfveren?"),
        "Buddy's, vrijwilligers en studenten sociaal werk"),
    "je-eigen-grenzen-bewaken": Teaching(
        "Je kunt uitleggen waarom duidelijke grenzen een buddyrelatie beschermen.",
        ("Welke grenzen zou jij als buddy vooraf afspreken?",
         "Hoe zeg je nee zonder de relatie te schaden?",
         "Bespreek je grenzen best bij de start, of pas als er iets misloopt?"),
        BUDDIES),
    "geen-hulpverlener": Teaching(
        "Je kent het verschil tussen de rol van een buddy en die van een professionele hulpverlener.",
        ("Welke vragen van een deelnemer horen bij de buddy, en welke bij een professional?",
         "Hoe verwijs je door zonder dat de deelnemer zich afgewezen voelt?"),
        "Buddy's, coördinatoren en hulpverleners"),
    "nabijheid-en-afstand": Teaching(
        "Je kunt situaties rond geld, cadeaus en persoonlijke vragen bespreekbaar maken.",
        ("Wat zou jij doen als je deelnemer je om geld vraagt?",
         "Hoe ga je om met verschillen in wat mensen normaal vinden tussen vrienden?",
         "Welke afspraken over geld en cadeaus heeft jouw project?"),
        BUDDIES),
    "verschillende-werelden": Teaching(
        "Je ziet verschillen in leeftijd, cultuur en gewoonten als een bron van leren.",
        ("Welke verschillen tussen jou en een deelnemer zouden je kunnen verrassen?",
         "Hoe toon je nieuwsgierigheid zonder iemand in een hokje te stoppen?",
         "Wat betekent het om de buddy van een hele familie te zijn?"),
        "Buddy's en studenten sociaal werk"),
    "taal-als-drempel": Teaching(
        "Je kent manieren om te communiceren als je elkaars taal (nog) niet spreekt.",
        ("Welke hulpmiddelen gebruik jij als taal een drempel is?",
         "Hoe help je iemand Nederlands oefenen zonder schoolmeester te worden?"),
        "Buddy's en medewerkers van integratieprojecten"),
    "divers-team": Teaching(
        "Je kunt nagaan hoe toegankelijk je project is voor verschillende groepen vrijwilligers.",
        ("Hoe divers is de groep vrijwilligers in jouw organisatie?",
         "Welke drempels houden mensen tegen om buddy te worden?",
         "Welke ondersteuning vraagt een ervaringsdeskundige buddy?"),
        "Coördinatoren en beleidsmedewerkers"),
    "de-juiste-match": Teaching(
        "Je kent criteria voor een goede match en weet wat je doet als het niet klikt.",
        ("Waar let jij op als je een buddy en een deelnemer koppelt?",
         "Hoe bereid je een eerste ontmoeting voor?",
         "Hoe breng je een match die niet werkt ter sprake zonder schuldgevoel?"),
        COORDINATORS),
    "opvolging-en-afsluiting": Teaching(
        "Je kunt een buddytraject opvolgen en een afsluiting goed voorbereiden.",
        ("Hoe vaak en hoe volg je een buddykoppel op?",
         "Waarom doet een einde zonder voorbereiding pijn?",
         "Hoe ziet een goede afsluiting er in jouw project uit?"),
        "Coördinatoren en trajectbegeleiders"),
    "tijd-en-middelen": Teaching(
        "Je kunt inschatten welke tijd en middelen een buddyproject echt vraagt.",
        ("Welke kosten van een buddyproject worden vaak vergeten?",
         "Wat plan je nu al voor de dag waarop de subsidie stopt?"),
        "Projectleiders en lokale besturen"),
    "wat-verandert-er": Teaching(
        "Je herkent de kleine en grote veranderingen die een buddy teweegbrengt.",
        ("Welke verandering uit de clip raakt je het meest?",
         "Hoe maak je impact zichtbaar als ze moeilijk te meten is?",
         "Welk netwerk kan jij als buddy openen?"),
        "Buddy's, coördinatoren en beleidsmakers"),
    "ook-buddys-veranderen": Teaching(
        "Je ziet dat buddywerk ook de blik van de buddy zelf verandert.",
        ("Welke vooroordelen kunnen door een buddyrelatie veranderen?",
         "Wat heb jij geleerd van iemand met een heel ander leven?"),
        "Buddy's en studenten sociaal werk"),
    "van-buddy-naar-buurt": Teaching(
        "Je begrijpt hoe een buddyrelatie kan uitgroeien tot een netwerk in de buurt.",
        ("Welke mensen rond een koppel kunnen deel worden van het netwerk?",
         "Wat kan een organisatie doen om zo'n netwerk te laten groeien zonder het te plannen?",
         "Waar in jouw buurt zou zo'n ontmoeting kunnen plaatsvinden?"),
        "Buurtwerkers, coördinatoren en buddy's"),
    "verder-na-het-project": Teaching(
        "Je kent stappen om een buddyproject te verankeren in een organisatie of gemeente.",
        ("Wie zou jouw project kunnen overnemen als het projectgeld stopt?",
         "Wanneer en hoe betrek je het lokaal bestuur?",
         "Wat verandert er als buddywerk deel wordt van de gewone werking?"),
        "Projectleiders, directies en lokale besturen"),
    "naar-een-zorgzame-buurt": Teaching(
        "Je ziet hoe buddywerk een hefboom kan zijn voor een zorgzame buurt.",
        ("Wanneer draagt een netwerk zichzelf?",
         "Wat is er nodig opdat een deelnemer later zelf buddy wordt?",
         "Welke rol speelt een buurthuis of een andere ontmoetingsplek?"),
        "Buurtwerkers, lokale besturen en coördinatoren"),
    "lessen-voor-nieuwe-projecten": Teaching(
        "Je kunt de lessen van bestaande projecten toepassen bij de start van een nieuw project.",
        ("Welke les zou jij als eerste toepassen?",
         "Wat schrijf je op zodat iemand anders je werk kan overnemen?",
         "Met welke organisaties in je regio zou je kunnen samenwerken?"),
        "Wie een buddyproject opstart"),
}

# After each theme of the premiere, the project partners talked with the audience.
_PREMIERE_TALKS: dict[str, tuple[str, ...]] = {
    "rekrutering": ("Hoe kwamen de buddy's in jullie project terecht?",
                    "Wat zou helpen om meer of andere vrijwilligers te vinden?"),
    "omgaan-met-grenzen": ("Welke grens was voor jullie het moeilijkst om te bewaken?",
                           "Waar stopt volgens jullie de rol van een buddy?"),
    "diversiteit": ("Welke verschillen tussen buddy en deelnemer waren een verrijking?",
                    "Hoe maken we een project toegankelijk voor iedereen?"),
    "projectmanagement": ("Wat maakt een match volgens jullie geslaagd?",
                          "Welke middelen ontbraken het vaakst?"),
    "impact": ("Welke verandering zagen jullie bij deelnemers, en bij buddy's zelf?",
               "Hoe tonen we die impact aan beleidsmakers?"),
    "duurzame-verankering": ("Wat is er nodig opdat jullie project blijft bestaan?",
                             "Welke les geven jullie mee aan nieuwe projecten?"),
}


def _theme_session(theme: DemoTheme) -> DemoSession:
    """A workshop on one theme: two clips, a talk about both, the third clip, a talk about it."""
    first, second, *rest = theme.clips
    steps = [DemoStep(clip=first.id), DemoStep(clip=second.id),
             DemoStep(discussion=True, minutes=10, title="Bespreking")]
    if theme.id == "omgaan-met-grenzen":  # stop where the money question is asked, hear Yusuf after the talk
        steps += [DemoStep(clip="nabijheid-en-afstand", end="00:00:12.900"),
                  DemoStep(questions=("Wat zou jij doen als je deelnemer je om honderd euro vraagt?",),
                           minutes=5, title="Wat zou jij doen?"),
                  DemoStep(clip="nabijheid-en-afstand", start="00:00:12.900"),
                  DemoStep(questions=TEACHING["nabijheid-en-afstand"].questions[1:], minutes=10)]
    else:
        steps += [*(DemoStep(clip=clip.id) for clip in rest), DemoStep(discussion=True, minutes=10)]
    return DemoSession(f"les-{theme.id}", f"Vormingsmoment: {theme.title}",
                       f"Demo-sessie: de clips over {theme.title.lower()}, met tussendoor een bespreking. "
                       + INTRODUCTIONS[theme.id].split(". ")[0] + ".",
                       "Buddy's, vrijwilligers en coördinatoren", tuple(steps))


def _premiere() -> DemoSession:
    steps = []
    for theme in THEMES:
        steps += [DemoStep(clip=clip.id) for clip in theme.clips]
        steps.append(DemoStep(questions=_PREMIERE_TALKS[theme.id], minutes=10, title=f"Gesprek: {theme.title}"))
    return DemoSession("premiere", "Première: de kennisclips, thema per thema",
                       "Demo-sessie naar de première van de film: de kennisclips thema per thema, en na elk "
                       "thema een gesprek van de projectpartners met het publiek.",
                       "Projectpartners, buddy's en het brede publiek", tuple(steps))


SESSIONS: tuple[DemoSession, ...] = (_premiere(), *(_theme_session(theme) for theme in THEMES))


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def theme_teaching_toml(theme_id: str) -> list[str]:
    """The [[theme]] lines of a demo theme's teaching metadata."""
    return [f"introduction = {_toml(INTRODUCTIONS[theme_id])}"]


def clip_teaching_toml(clip_id: str) -> list[str]:
    """The [[clip]] lines of a demo clip's teaching metadata."""
    teaching = TEACHING[clip_id]
    return [f"learning_goal = {_toml(teaching.learning_goal)}", "questions = [",
            *(f"  {_toml(question)}," for question in teaching.questions), "]",
            f"audience = {_toml(teaching.audience)}"]


def sessions_toml() -> list[str]:
    """The demo's [[session]] tables, each step a [[session.step]]."""
    out = []
    for session in SESSIONS:
        out += ["", "[[session]]", f"id = {_toml(session.id)}", f"title = {_toml(session.title)}",
                f"description = {_toml(session.description)}", f"audience = {_toml(session.audience)}"]
        for step in session.steps:
            out += ["", "[[session.step]]"]
            if step.clip:
                out += [f"clip = {_toml(step.clip)}"]
                out += [f"{key} = {_toml(value)}" for key, value in (("start", step.start), ("end", step.end)) if value]
            else:
                out += ["discussion = true"] if step.discussion else [
                    f"questions = [{', '.join(_toml(question) for question in step.questions)}]"]
                out += [f"minutes = {step.minutes}"] if step.minutes else []
                out += [f"title = {_toml(step.title)}"] if step.title else []
    return out
