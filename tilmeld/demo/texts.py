"""Demo content: the reference conference page of a Danish library association, and two fictional
upcoming events. Danish first, English second."""

ASSOCIATION = "Danmarks Biblioteksforening"
CONTACT = "db@db.dk"
SECURITY_CONTACT = "sikkerhed@db.dk"

CONFERENCE_DA = {
    "title": "Konference: Styrk det strategiske samarbejde i kommunen",
    "summary": (
        "Den Blå Planet lægger rammer til en konference om tværkommunal samskabelse og "
        "samarbejdsdreven innovation – og om hvad biblioteket betyder for kommunens "
        "strategiske udvikling."
    ),
    "audience": (
        "Konferencen henvender sig til alle politikere, forvaltninger, biblioteker og andre "
        "institutioner, der ønsker at skærpe de kulturelle institutioners profil som opgaveløsere "
        "på tværs af kommunale strategier, indsatser og politiske agendaer."
    ),
    "body": """\
Den 23. maj 2016 lægger Den Blå Planet rammer til en konference, hvor der sættes fokus på
tværkommunal samskabelse og samarbejdsdreven innovation. Temaet berører direkte og indirekte
spørgsmålet om, hvad biblioteket i det hele taget er til for, og hvilken betydning biblioteket
har for kommunens strategiske udvikling.

De kulturelle institutioner skal skærpe deres profil i en kommunal virkelighed, hvor kravene til
opgaveløsningen skifter med borgernes behov, kommunale strategier og politiske mål. Med
udgangspunkt i biblioteket sætter vi på denne temadag fokus på det strategiske arbejde.
**Samarbejdsdreven innovation**, **samskabelse** og **netværkssamarbejde** er nøglebegreber i den
bevægelse, der sker i den offentlige sektor. Målet er bedre velfærdsløsninger og tilbud.

Derfor er der stigende interesse for et mere sømløst samarbejde mellem forvaltninger og
biblioteker om at udnytte de samlede ressourcer og kompetencer »klogere og smartere«.

Programmet er bredt sammensat med kompetente oplægsholdere og byder på ny forskning, praktiske
eksempler og perspektiver fra det politiske niveau, forvaltning, biblioteker og andre kommunale
institutioner.
""",
}

CONFERENCE_EN = {
    "title": "Conference: Strengthening strategic cooperation in the municipality",
    "summary": (
        "The Blue Planet hosts a conference on co-creation across municipalities and "
        "collaborative innovation – and on what the library means for the municipality's "
        "strategic development."
    ),
    "audience": (
        "The conference is for politicians, municipal administrations, libraries and other "
        "institutions that want to sharpen the cultural institutions' profile as problem solvers "
        "across municipal strategies, initiatives and political agendas."
    ),
    "body": """\
On 23 May 2016 the Blue Planet aquarium hosts a conference on co-creation across municipalities
and collaborative innovation: what is the library for, and what does it mean for the
municipality's strategic development?

The programme brings together research, practical examples and perspectives from politicians,
administrations, libraries and other municipal institutions.
""",
}

UPCOMING_DA = {
    "title": "Fremtidens folkebibliotek – demokonference",
    "summary": (
        "En fiktiv konference, der viser tilmelding i Tilmeld: åben tilmelding, bindende dato og "
        "deltagere fra kommunernes biblioteker."
    ),
    "audience": "Biblioteksledere, bibliotekarer, kulturchefer og kommunale konsulenter.",
    "body": """\
*Dette arrangement er opdigtet og findes kun som demoindhold.*

Hvordan ser folkebiblioteket ud om ti år? Vi samler biblioteker, forvaltninger og forskere til en
dag om læsning, demokrati og fællesskaber – med workshops om borgerinddragelse og digitale
tilbud.
""",
}

UPCOMING_EN = {
    "title": "The public library of the future – demo conference",
    "summary": (
        "A fictional conference that shows registration in Tilmeld: open registration, a binding "
        "date and participants from municipal libraries."
    ),
    "audience": "Library managers, librarians, heads of culture and municipal consultants.",
    "body": """\
*This event is invented and exists only as demo content.*

What will the public library look like in ten years? Libraries, administrations and researchers
meet for a day on reading, democracy and community.
""",
}

WORKSHOP_DA = {
    "title": "Workshop: Borgerinddragelse i praksis",
    "summary": "En fiktiv halvdagsworkshop om metoder til borgerinddragelse på biblioteket.",
    "audience": "Medarbejdere på folkebiblioteker, der planlægger arrangementer med borgerne.",
    "body": "*Opdigtet demoarrangement.* Metoder, cases og øvelser til inddragelse af borgerne.",
}

WORKSHOP_EN = {
    "title": "Workshop: Citizen involvement in practice",
    "summary": "A fictional half-day workshop on methods for involving citizens at the library.",
    "audience": "Public library staff who plan events with citizens.",
    "body": "*Invented demo event.* Methods, cases and exercises for involving citizens.",
}

MEETING_DA = {
    "title": "Netværksmøde for biblioteksledere",
    "summary": "Et fiktivt netværksmøde, der er fuldt booket: nye tilmeldinger kommer på venteliste.",
    "audience": "Biblioteksledere og souschefer.",
    "body": "*Opdigtet demoarrangement.* Erfaringsudveksling om budgetter, bemanding og åbningstider.",
}

MEETING_EN = {
    "title": "Network meeting for library managers",
    "summary": "A fictional network meeting that is fully booked: new registrations join the waiting list.",
    "audience": "Library managers and deputies.",
    "body": "*Invented demo event.* Sharing experience on budgets, staffing and opening hours.",
}

NEWS = [
    {
        "slug": "velkommen-til-det-nye-dbdk",
        "title_da": "Velkommen til det nye db.dk",
        "title_en": "Welcome to the new db.dk",
        "body_da": """\
Danmarks Biblioteksforenings hjemmeside har fået nyt udseende og en mere enkel struktur. Efter
ca. 10 år med den gamle side har vi frisket designet op og ikke mindst ryddet op i indholdet.

Arrangementer og tilmelding ligger nu samme sted, og nyhederne kan følges med RSS.
""",
        "body_en": """\
The association's website has a new look and a simpler structure. After about ten years with the
old site we have refreshed the design and, not least, tidied up the content.
""",
        "image": True,
    },
    {
        "slug": "rammerne-paa-plads-for-kulturens-analyseinstitut",
        "title_da": "Rammerne på plads for Kulturens Analyseinstitut",
        "title_en": "Framework agreed for the Cultural Analysis Institute",
        "body_da": """\
Regeringen og aftalepartierne bag finansloven for 2022 er blevet enige om rammerne for et nyt
Kulturens Analyseinstitut. Instituttet skal ligge i Roskilde og skal sørge for nye analyser af
kulturens betydning – også for bibliotekerne.
""",
        "body_en": """\
The government and the parties behind the 2022 Finance Act have agreed the framework for a new
Cultural Analysis Institute, to be based in Roskilde.
""",
        "image": False,
    },
]

PAGES = [
    {
        "slug": "privatlivspolitik",
        "title_da": "Privatlivspolitik",
        "title_en": "Privacy policy",
        "body_da": """\
Når du tilmelder dig et arrangement, behandler vi dit navn, din e-mail, din arbejdsplads, din
stilling, dit telefonnummer og dine svar på arrangementets spørgsmål. Vi bruger oplysningerne til
at afvikle arrangementet. Oplysninger om kost og helbred er frivillige og ses kun af arrangørerne.

**Hvor længe vi gemmer dem.** 12 måneder efter arrangementets afslutning anonymiseres
oplysningerne automatisk, medmindre vi har sat en anden periode for arrangementet: navn,
e-mail, telefon og stilling erstattes, fritekstsvar og svar om kost og helbred slettes, og
modtagerne af vores mails fjernes. Tilbage bliver kun antal, arbejdspladser (som institutioner),
svar på valgspørgsmål, der ikke handler om kost og helbred, og tidspunkter for fremmøde, så vi kan
føre statistik.

**Deltagerlisten.** Kun hvis du selv sætter kryds, ser de andre bekræftede deltagere dit navn, din
arbejdsplads og din stilling på deltagerlisten. Du kan fjerne krydset når som helst via linket i
din bekræftelse; det virker med det samme.

**Fakturaer.** Fakturaer og kreditnotaer er regnskabsmateriale. Efter bogføringsloven gemmer vi
dem uændret i 5 år efter udgangen af det regnskabsår (kalenderår), de hører til. Derefter fjernes
personnavnene fra dem.

**Dine rettigheder.** Skriv til db@db.dk, hvis du vil se, hvad vi har om dig (du får det hele
som en fil), eller have det slettet. Vi sletter det hele, undtagen fakturaer,
som vi skal gemme til fristen ovenfor; vi fortæller dig hvilke og hvor længe.
""",
        "body_en": """\
When you register for an event we process your name, e-mail, workplace, job title, phone number
and your answers to the event's questions. We use them to run the event. Details about diet and
health are optional and only the organisers see them.

**How long we keep them.** 12 months after the event ends the details are anonymised
automatically, unless we have set a different period for the event: name, e-mail, phone and job
title are replaced, free-text answers and answers about diet and health are deleted, and the
recipients of our mails are removed. Only numbers, workplaces (as institutions), answers to
choice questions not about diet or health, and arrival times remain, for our statistics.

**The participant list.** Only if you tick the box do the other confirmed participants see your
name, workplace and job title on the participant list. You can untick it at any time through the
link in your confirmation; it takes effect at once.

**Invoices.** Invoices and credit notes are bookkeeping records. Under the Danish Bookkeeping Act
we keep them unchanged for 5 years after the end of the financial year (calendar year) they
belong to. Then the personal names are removed from them.

**Your rights.** Write to db@db.dk to see what we hold about you (you get all of it as a file),
or to have it erased. We erase all of it, except invoices, which we must keep until the
deadline above; we tell you which ones and for how long.
""",
    },
    {
        "slug": "tilmeldingsbetingelser",
        "title_da": "Tilmeldingsbetingelser",
        "title_en": "Registration terms",
        "body_da": """\
Du kan afmelde dig gratis indtil arrangementets bindende dato. Herefter er tilmeldingen bindende,
men en kollega kan deltage i dit sted. Brug linket i din bekræftelse.
""",
        "body_en": """\
You can cancel free of charge until the event's binding date. After that the registration is
binding, but a colleague may attend in your place. Use the link in your confirmation.
""",
    },
    {
        "slug": "tilgaengelighedserklaering",
        "title_da": "Tilgængelighedserklæring",
        "title_en": "Accessibility statement",
        "body_da": """\
Vi ønsker, at alle kan bruge hjemmesiden. Siderne testes automatisk mod WCAG 2.1 niveau AA og
kan bruges med tastatur og skærmlæser. Oplever du problemer, så skriv til os.
""",
        "body_en": """\
We want everyone to be able to use this website. The pages are tested automatically against WCAG
2.1 level AA and work with keyboard and screen readers. If you meet a problem, write to us.
""",
    },
    {
        "slug": "sikkerhed",
        "title_da": "Sikkerhed",
        "title_en": "Security",
        "body_da": """Har du fundet en sikkerhedsfejl på hjemmesiden eller i tilmeldingen, så skriv til
sikkerhed@db.dk. Beskriv fejlen, og hvordan vi kan se den. Vi svarer inden for fem hverdage,
retter fejlen så hurtigt vi kan og fortæller dig, når den er rettet. Se ikke andres
oplysninger, og gem dem ikke. Adressen står også i /.well-known/security.txt.
""",
        "body_en": """If you have found a security problem on the website or in the registration, write to
sikkerhed@db.dk. Describe the problem and how we can see it. We answer within five working days,
fix it as soon as we can and tell you when it is fixed. Do not look at or keep other people's
data. The address is also in /.well-known/security.txt.
""",
    },
]
