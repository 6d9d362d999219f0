"""Corpus for the name, address and birth-date rules of ``shared.redaction``: citizen comments to the city.

Written before the rules, in one piece (see the commit history), and not changed to suit them afterwards.

* ``POSITIVE``: comments with personal data, marked in place as ``{n:...}`` (a name), ``{a:...}`` (an address) or
  ``{b:...}`` (a date of birth). The marked text is exactly what must disappear; each mark becomes the
  placeholder of its kind and everything around it stays. Conventions:

  - Honorifics, titles and roles stay, the name after them goes: "Frau Dr. {n:Lindner}", "Familie {n:Nowak}",
    "Pfarrer {n:Hahn}". First and last name together are one mark ("Frau {n:Anna-Lena Weber}").
  - Greetings stay, the name under them goes ("Viele Grüße, {n:Jannik}").
  - Street and house number are one address ("{a:Hauptstr. 5a}", "{a:Am Markt 3}"); postcode and town are
    another ("{a:12345 Musterstadt}"). Every street with a house number counts, whoever lives there.
  - The keyword of a birth date stays, the date goes ("geb. {b:01.02.1980}"). A birth year alone is no date.

* ``NEGATIVE``: comments without personal data that must come out unchanged: capitalised nouns, places, streets
  without house numbers, institutions named after people, titles and roles without names, greetings without
  names, numbers next to street names that are no house numbers, large counts, dates without a birth keyword.

* Hold-out: ``held_out(text)`` puts about 30 % of each list aside by a hash of the text, fixed when the corpus
  was written. Rules are tuned on the rest; the held-out part is reported separately (``bench/redaction.py``).

All persons, addresses and dates are invented. Musterstadt, Beispielhausen and Bad Beispielheim are placeholder
towns; 12345 and 54321 are no real German postcodes of people's homes.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from typing import NamedTuple

NAME_KINDS = ("name", "address", "birth_date")
_MARK_KINDS = {"n": "name", "a": "address", "b": "birth_date"}
_MARK = re.compile(r"\{([nab]):([^{}]+)\}")


class Secret(NamedTuple):
    start: int  # in the unmarked text
    end: int
    kind: str


class Case(NamedTuple):
    text: str  # without marks
    secrets: tuple[Secret, ...]


def parse(marked: str) -> Case:
    """``marked`` without its marks, and where each marked secret stands in the result."""
    pieces: list[str] = []
    secrets: list[Secret] = []
    position = 0
    length = 0
    for match in _MARK.finditer(marked):
        before = marked[position : match.start()]
        pieces.append(before)
        length += len(before)
        value = match.group(2)
        secrets.append(Secret(length, length + len(value), _MARK_KINDS[match.group(1)]))
        pieces.append(value)
        length += len(value)
        position = match.end()
    pieces.append(marked[position:])
    return Case("".join(pieces), tuple(secrets))


def held_out(text: str) -> bool:
    """About 30 % of the texts, by a hash of the (unmarked) text: never used to tune the rules."""
    return zlib.crc32(text.encode()) % 10 < 3


# --------------------------------------------------------------------------------------------------------------
# With personal data
# --------------------------------------------------------------------------------------------------------------

_POSITIVE_MARKED = [
    # --- names after honorifics, titles and roles
    "Frau {n:Schmidt} vom Bürgeramt Mitte hat sich sehr viel Zeit genommen, vielen Dank!",
    "Herr {n:Petersen} vom Ordnungsamt hat am Telefon einfach aufgelegt, als ich nach dem Bußgeld gefragt habe.",
    "Ich hatte einen Termin bei Herrn {n:Özdemir} im Wohngeldbüro, der war krank und niemand hat abgesagt.",
    "Bitte leiten Sie das an Fr. {n:Becker} in der Führerscheinstelle weiter.",
    "Laut Hr. {n:Krüger-Hansen} ist der Antrag vollständig, laut Online-Portal fehlen noch Unterlagen.",
    "Unsere Nachbarin Frau {n:Kowalski} stellt jede Woche ihre Tonne vor unsere Einfahrt.",
    "Die Familie {n:Nowak} aus dem Erdgeschoss grillt jeden Abend auf dem Balkon, der Rauch zieht zu uns hoch.",
    "Frau Dr. {n:Lindner} im Gesundheitsamt war super kompetent und hat alles verständlich erklärt.",
    "Herr Prof. {n:Hartmann} hat beim Bürgerdialog die Pläne für den Bahnhofsvorplatz vorgestellt, sehr informativ.",
    "Ich habe mit Frau {n:Anna-Lena Weber} telefoniert, sie wollte zurückrufen, hat sie aber nicht.",
    "Sehr geehrte Frau {n:von Bredow}, ich beziehe mich auf Ihr Schreiben zum Anwohnerparken.",
    "Sehr geehrter Herr {n:Yılmaz}, vielen Dank für die schnelle Bearbeitung meines Antrags.",
    "Der Hausmeister der Grundschule, Herr {n:Brandt}, lässt die Kinder morgens erst um acht ins Gebäude.",
    "Bei Frau {n:Meier-Schulze} im Jobcenter warte ich seit sechs Wochen auf einen Rückruf.",
    "Eheleute {n:Hoffmann} haben ihren Sperrmüll einfach an die Straße gestellt, ohne Termin.",
    "Herrn {n:Dimitrov} vom Bauhof ein großes Lob für die schnelle Reparatur der Bank am Teich!",
    "Die Ärztin, Frau Dr. med. {n:Aydın}, hat die Schuleingangsuntersuchung sehr kindgerecht gemacht.",
    "Fam. {n:Schröder} beschwert sich seit Jahren über den Lärm vom Sportplatz, inzwischen verstehen wir sie.",
    "Danke an Frau {n:Petra Neumann} von der Stadtbibliothek für die Geduld mit mir und der Onleihe.",
    "Herr {n:Klaus-Dieter Vogel} vom Tiefbauamt war vor Ort und hat sich das Schlagloch angeschaut.",
    "Ich möchte mich über Herrn {n:Wolff} beschweren, der im Bürgeramt sehr unhöflich zu meiner Mutter war.",
    "Frau {n:Nguyen} aus der Kita Sonnenschein ist die beste Erzieherin, die unsere Kinder je hatten.",
    "Frau {n:Şahin} und Herr {n:Lehmann} vom Standesamt haben unsere Trauung wunderschön gestaltet.",
    "Rückruf bitte über Frau {n:Schulte}, sie kennt den Vorgang schon.",
    "Wir, Familie {n:Ahmadi}, warten seit acht Monaten auf eine Entscheidung der Ausländerbehörde.",
    "Ihr Kollege Herr {n:Baumann} hat mir gesagt, ich brauche keinen neuen Pass, jetzt stehe ich am Flughafen.",
    "Die Bademeisterin Frau {n:Kaiser} im Freibad Süd hat meinem Sohn aus dem Becken geholfen, danke!",
    "Lob an Hr. {n:de Vries} vom Kundenzentrum der Stadtwerke, endlich mal jemand, der zuhört.",
    "Unser Vermieter Herr {n:Richter} kümmert sich nicht um die Streupflicht, der Gehweg ist spiegelglatt.",
    "Pfarrer {n:Hahn} hat angeboten, die Kirchwiese für das Straßenfest zur Verfügung zu stellen.",
    "Frau {n:M. Schneider} aus dem Sozialamt hat meinen Antrag offenbar verloren.",
    "Herr Dipl.-Ing. {n:Fuchs} vom Bauamt hat die Statik geprüft und nichts beanstandet.",
    "Grüßen Sie bitte Frau {n:Köhler} vom Empfang, sie war so freundlich!",
    "Die Stadträtin Frau {n:Graf} hat versprochen, sich um die Ampel zu kümmern. Passiert ist nichts.",
    "Hallo Frau {n:Braun}, die Unterlagen für den Anwohnerparkausweis habe ich eingeworfen.",
    "Liebe Frau {n:Albers}, danke für die tolle Stadtführung am Samstag!",
    "Mein Dank gilt Herrn Dr. {n:Peters} für die Beratung zur Pflegestufe.",
    "Die Sachbearbeiterin Frau {n:O'Connor} spricht zum Glück Englisch, sonst hätte ich nichts verstanden.",
    "Herr {n:van der Berg} vom Grünflächenamt hat den Baum begutachtet und will sich melden.",
    "Frau {n:El-Amin} hat mir im Integrationsbüro sehr geholfen.",
    "Der Termin bei Dr. {n:Winkler} im Gesundheitsamt wurde dreimal verschoben.",
    "Mein Nachbar Herr {n:Schulz} parkt seit Wochen auf dem Behindertenparkplatz.",
    "Ich wurde von Ihrer Mitarbeiterin Frau {n:Jansen} am Telefon angeschrien.",
    "Frau {n:Schmidt}, geb. {n:Krämer}, ist meine Mutter und kann nicht selbst schreiben.",
    "Hr. {n:Kaminski} sagte, die Straßenreinigung kommt donnerstags. Heute ist Freitag, nichts passiert.",
    "Bitte an Herrn {n:Lorenz} weitergeben: die Schranke am Wertstoffhof klemmt wieder.",
    "Prof. Dr. {n:Lange} hat im Seniorenbeirat den Vortrag über Enkeltricks gehalten, sehr wichtig.",
    "Frau {n:Kovačević} vom Kita-Portal hat uns endlich einen Platz vermittelt!",
    "Ein Mitarbeiter, ich glaube Herr {n:Sommer}, hat die Tür vor meiner Nase zugemacht.",
    "Kommen Sie doch mal vorbei, fragen Sie nach Frau {n:Heinrich} im dritten Stock.",
    "Herrn {n:Weiß} und seinem Team vom Winterdienst ein dickes Danke für den frühen Einsatz!",
    "Sachbearbeiterin {n:Krause} hat gesagt, der Bescheid kommt in zwei Wochen. Das war im März.",
    "Die Hebamme Frau {n:Ludwig} meinte, das Familienbüro hilft bei der Anmeldung, hat es aber nicht.",
    "Vielen Dank an Herrn {n:Bergmann} und Frau {n:Pohl} von der Tourist-Information!",
    "Frau {n:Tran} aus der Buchhaltung der Stadtwerke hat den Fehler in der Abrechnung sofort gefunden.",
    # --- names after keywords
    "Mein Name ist {n:Thomas Richter}, ich wohne seit zwanzig Jahren in der Nordstadt.",
    "Ich heiße {n:Leonie} und bin 12 Jahre alt. Bitte baut einen Skatepark!",
    "Name: {n:Sabine Krause}\nAnliegen: Laterne defekt in der Ahornstraße",
    "Antragsteller: {n:Mehmet Kaya}, der Vorgang liegt seit Mai beim Wohngeldamt.",
    "Mein Name ist {n:Julia Berger} und ich beschwere mich über den Baulärm am Sonntag.",
    "Absender: {n:Gerda Lux}, {a:Feldstraße 18}, {a:98765 Bad Beispielheim}",
    "Vorname: {n:Jonas}, Nachname: {n:Weber}, Klasse 5c",
    # --- first name and family name
    "Ich, {n:Sabine Krause}, beantrage hiermit die Erstattung der doppelt gezahlten Gebühr.",
    "Mein Sohn {n:Leon Bauer} geht in die 3. Klasse der Grundschule Nord und der Schulweg ist gefährlich.",
    "{n:Markus Engel} vom Bauhof hat den umgestürzten Baum sofort weggeräumt.",
    "Bitte richten Sie {n:Jana Wolf} vom Jugendamt aus, dass die Unterlagen im Briefkasten liegen.",
    "Gestern war {n:Stefan Hofmann} von den Stadtwerken da und hat den Zähler getauscht, alles bestens.",
    "Die Erzieherin {n:Lisa Meyer} hat mir gesagt, die Kita schließt im Sommer drei Wochen.",
    "Unsere Tochter {n:Emma Schulz} hat keinen Platz an der Gesamtschule bekommen, obwohl sie um die Ecke wohnt.",
    "Mein Mann {n:Jürgen Lange} ist gehbehindert und kommt nicht in den neuen Bus.",
    "Kontakt bitte über meine Tochter {n:Katrin Böhm}, sie kümmert sich um meine Angelegenheiten.",
    "{n:Ayşe Demir} und ich haben die Unterschriften für den Zebrastreifen gesammelt.",
    "Ich pflege meine Mutter {n:Hildegard Schuster} und brauche einen Parkplatz vor dem Haus.",
    "Mein Enkel {n:Paul Winter} wurde vom Busfahrer der Linie 4 an der Haltestelle stehen gelassen.",
    "Ansprechpartnerin bei uns im Verein ist {n:Claudia Fischer}.",
    "{n:Dennis Koch} und {n:Marco Rossi} schubsen im Freibad ständig Kinder vom Beckenrand, keiner greift ein.",
    "Ich bin {n:Agnieszka Nowak}, Mutter von zwei Kindern, und wir suchen seit einem Jahr eine Wohnung.",
    "Die Bewerbung von {n:Fatima Al-Hassan} für den Kita-Platz ist angeblich nie angekommen.",
    "Mein Vater {n:Heinz-Werner Kühn} ist 84 und kommt mit dem neuen Fahrkartenautomaten nicht zurecht.",
    "Schöne Grüße auch von {n:Tobias} und {n:Lena}!",
    "Bei der Sprechstunde war {n:Ursula Brandt} vom Seniorenbeirat dabei und hat alles notiert.",
    "{n:Felix Wagner} aus der 4b hat den Malwettbewerb der Stadtbibliothek gewonnen, danke für die tolle Aktion!",
    "Meine Frau {n:Monika Hartmann} hat den Antrag schon im Januar gestellt.",
    "Wir haben mit {n:Sven Ehlers} vom Quartiersmanagement gesprochen, er findet die Idee gut.",
    "Der Kontrolleur hat meinen Sohn {n:Elias Schneider} aus dem Bus geworfen, obwohl er ein Ticket hatte.",
    "Die Patenschaft für die Baumscheibe übernehmen {n:Helga} und {n:Werner Brückner}.",
    "Mit {n:Nico Lindemann} vom Sportamt war vereinbart, dass der Platz bis 22 Uhr beleuchtet ist.",
    "{n:Özlem Arslan} aus dem Elternbeirat hat die Liste an das Schulamt geschickt.",
    "Die Tagesmutter {n:Birgit Sauer} hört Ende des Jahres auf, wir brauchen dringend Ersatz.",
    "Mein Bruder {n:Andreas Krüger} hat den Unfall an der Kreuzung gesehen.",
    "Ich schreibe im Auftrag meiner Oma {n:Gertrud Haas}, die kein Internet hat.",
    "Danke {n:Lukas Beck} und dem ganzen Team vom Jugendzentrum!",
    "Der Busfahrer {n:Daniel Frank} ist immer freundlich und wartet auf Ältere, bitte mal loben.",
    "{n:Johanna Seidel} aus unserer Straße hat schon dreimal wegen der Laterne angerufen.",
    "Meine Kollegin {n:Sarah Kessler} und ich fahren jeden Tag mit dem Rad über die Brücke.",
    "Wir haben zusammen mit {n:Piotr Zieliński} vom Mieterbeirat die Mängelliste erstellt.",
    "Unser Sohn {n:Noah Friedrich} ist seit dem Kita-Wechsel total unglücklich.",
    # --- signatures
    "Die Straßenlaterne vor unserem Haus ist seit einer Woche aus.\nMit freundlichen Grüßen\n{n:Klaus Wagner}",
    "Bitte um Rückmeldung.\n\nMfG {n:Anna Schmidt}",
    "Tolles Freibad, danke! Viele Grüße, {n:Jannik}",
    "Der Glascontainer ist voll. Gruß, {n:Max}",
    "Danke für die schnelle Hilfe!\nLG {n:Svenja}",
    "Die Bescheinigung fehlt noch.\nMit freundlichen Grüßen\nDr. {n:Petra Lindner}",
    "Bitte prüfen Sie das noch einmal.\nFreundliche Grüße\n{n:Hans-Jürgen Möller}",
    "Wir freuen uns auf die neue Bank.\nViele Grüße\nFamilie {n:Ostermann}",
    "Sehr gute Beratung im Bürgerbüro. Beste Grüße, {n:Sophie Wendt}",
    "Die Straße wird nie gefegt.\nHerzliche Grüße aus der Oststadt\n{n:Renate} und {n:Horst Berger}",
    "Der Bescheid ist falsch berechnet.\nMfG\n{n:K. Schäfer}",
    "Warum ist die Toilette am Markt immer abgeschlossen? Gruß {n:Öztürk}",
    "Bitte um Abholung.\nMit freundlichem Gruß\n{n:Stefanie Albrecht-Nolte}\n{a:Mühlenweg 3b}\n{a:12345 Musterstadt}",
    "Können Sie die Ampel an der Schule länger grün lassen?\nVielen Dank im Voraus\n{n:Mario Conti}",
    "Endlich ein Trinkbrunnen im Park!\nGrüße\n{n:Lukas}",
    "Der Bus kam heute wieder 20 Minuten zu spät. VG {n:Nadine Hartwig}",
    "Der Spielplatz ist super geworden.\nSchöne Grüße\n{n:Dragan Petrović}",
    "Ich bitte um einen neuen Termin.\nMit freundlichen Grüßen\nIhre {n:Waltraud Seidel}",
    "Bitte baut mehr Rutschen im Freibad! Liebe Grüße, {n:Mia} (8 Jahre)",
    "Die Kita braucht neue Sandkästen.\nViele Grüße\n{n:Ole Jensen}\nElternbeirat Kita Regenbogen",
    "Das Online-Formular hat meine Daten verloren.\n\nMit freundlichen Grüßen,\n{n:Sebastian Krämer}",
    "Danke fürs Reparieren der Schaukel!\nLiebe Grüße\n{n:Carla}, {n:Finn} und {n:Ida}",
    "Ich warte seit 10 Wochen auf meinen Wohngeldbescheid.\nMfG {n:Wolfgang Dietrich}",
    "Bitte mehr Kontrollen in der Spielstraße.\n\nViele Grüße\n{n:Tanja} und {n:Michael Roth}",
    "Das Laub wird nie abgeholt. Gruß aus der Gartenstadt, {n:Ralf Ebert}",
    "Vielen Dank für die schnelle Antwort.\nFreundliche Grüße\n{n:Yusuf Çelik}",
    "Die Beleuchtung im Parkhaus ist zu dunkel.\nGruß\n{n:B. Neumann}",
    "Super Sommerfest im Stadtteilzentrum! Herzliche Grüße {n:Inge Vogt}",
    # --- addresses
    "Ich wohne in der {a:Lindenstraße 12} und die Biotonne wurde seit drei Wochen nicht geleert.",
    "Sperrmüll steht seit Freitag vor dem Haus {a:Hauptstr. 5a}, obwohl der Termin erst im Mai ist.",
    "Meine Adresse ist {a:Am Markt 3}, {a:12345 Musterstadt}.",
    "Der Paketbote findet unsere Wohnung in der {a:Straße des 17. Juni 101} nie, das Schild ist unbeleuchtet.",
    "Rechnung bitte an {a:Goethestraße 7-9}, nicht mehr an die alte Adresse.",
    "Wasser im Keller, {a:Schillerplatz 4}, bitte schnell jemanden schicken!",
    "Neue Anschrift: {a:Berliner Straße 120}, {a:12347 Musterstadt}",
    "Seit unserem Umzug in den {a:Birkenweg 22} kommt keine Post vom Amt mehr an.",
    "Ich wohne {a:An der Wassermühle 14} und die Busse fahren nachts viel zu schnell vorbei.",
    "Bitte den Wohngeldbescheid an {a:Kölner Ring 9/1} schicken.",
    "Die Wohnung {a:Alte Poststraße 23}, 2. OG links, hat seit Oktober keine funktionierende Heizung.",
    "Unser Haus {a:Zur Linde 4} hat noch immer kein Glasfaser, obwohl die Straße schon aufgerissen war.",
    "Ich bin von der {a:Karl-Marx-Straße 44} in die {a:Rosenstraße 3} umgezogen, die Ummeldung geht online nicht.",
    "Lieferadresse für die Gelben Säcke: {a:Eichendorffweg 11}, {a:D-12349 Musterstadt}",
    "Wir wohnen {a:Platz der Republik 1}, direkt über dem Markt, und der Lärm nachts ist unerträglich.",
    "Der Bauzaun vor der {a:Bahnhofstraße 27} blockiert seit Wochen den Gehweg.",
    "Die Laterne vor {a:Ahornweg 5} ist seit Tagen aus.",
    "Ich wohne in {a:60311 Frankfurt am Main} und arbeite in Musterstadt, bekomme ich trotzdem einen Parkausweis?",
    "Meine Mutter lebt im Seniorenheim, {a:Parkallee 2}, und hat keine Wahlbenachrichtigung bekommen.",
    "Unsere Adresse: {a:Mozartstr. 15}, {a:54321 Beispielhausen}",
    "Die Tonnen vom Haus {a:Kirchgasse 8 a} stehen immer mitten auf dem Gehweg.",
    "Die Post kommt an {a:Hohe Straße 4}, nicht an die Hausnummer 14!",
    "Hundekot vor der Haustür {a:Schulstraße 31} jeden Morgen, bitte mehr Kontrollen.",
    "Wasserrohrbruch vor {a:Gartenstraße 9}, die Straße steht schon unter Wasser.",
    "Ich bin Mieterin in der {a:Uhlandstraße 48} und der Vermieter streut nie.",
    "Anfahrt für den Pflegedienst: {a:Am Stadtpark 7}, Hintereingang benutzen.",
    "Absender: {a:Wiesenweg 2}, {a:12345 Musterstadt-Nord}",
    "Die Baugrube gegenüber von {a:Rosenstraße 14} ist nicht gesichert, da spielen Kinder.",
    "Ich wohne seit 2019 {a:Auf dem Kamp 6} und habe hier noch nie einen Räumdienst gesehen.",
    "Bitte die Mahnung an meine neue Adresse {a:Lindenallee 3c} senden.",
    "Zustellung an {a:Brunnenstr. 12-14}, Hinterhaus, 3. Stock.",
    "Ich wohne {a:Unter den Eichen 5} und die Straßenbeleuchtung ist seit dem Sturm kaputt.",
    "Mein Hof {a:Dorfstraße 1}, {a:12399 Musterstadt-Bergheim}, wird beim Glasfaserausbau übergangen.",
    "Die Ratten kommen aus dem Hinterhof {a:Marktstraße 19}, bitte Schädlingsbekämpfung schicken.",
    "Der Briefkasten an der Ecke {a:Feldweg 1} wurde abgebaut, der nächste ist zwei Kilometer weg.",
    "Wohnhaft {a:Am Sonnenhang 12}, {a:54322 Beispielhausen}, Antrag auf Anwohnerparken gestellt.",
    "Die Feuerwehrzufahrt am Haus {a:Tulpenweg 3} ist ständig zugeparkt.",
    "Wir sind nach {a:Hainbuchenring 27} gezogen, aber das Portal kennt die Straße nicht.",
    "Unser Garten in der {a:Eschenallee 40} wird bei jedem Starkregen überflutet.",
    "Seit Montag Baulärm ab 6 Uhr vor {a:Kastanienweg 8}, ist das erlaubt?",
    "Ich habe den Ausweis an {a:Schlossstraße 2a}, {a:12345 Musterstadt} schicken lassen.",
    "Der Gehweg vor der {a:Friedrich-Ebert-Straße 77} ist seit dem Rohrbruch abgesackt.",
    "Sie haben den Bescheid an die {a:Blumenstraße 5} geschickt, ich wohne aber in der {a:Blumenstraße 15}.",
    "Bitte Abholung der Elektrogeräte in {a:Bergstraße 9}, {a:12345 Musterstadt}, Keller.",
    "Frau {n:Schulz} aus dem {a:Amselweg 4} füttert die Tauben, jetzt ist alles voller Dreck.",
    # --- dates of birth
    "Für den Antrag: {n:Erika Mustermann}, geb. {b:01.02.1980}, die Unterlagen sind unterwegs.",
    "Mein Vater ist geboren am {b:17. Mai 1938} und braucht einen Schwerbehindertenausweis.",
    "Geburtsdatum: {b:12.03.1956}, ein Aktenzeichen habe ich leider nicht.",
    "Bitte prüfen Sie den Antrag meiner Mutter (geb. am {b:3.4.1941}).",
    "Ich bin geboren am {b:01.02.80} und laut Ihrem System minderjährig?!",
    "Geb.-Datum: {b:05.06.1990}",
    "Das Kind, geboren am {b:14.11.2021}, braucht ab dem nächsten Sommer einen Kita-Platz.",
    "Name: {n:Jonas Weber}, Geburtsdatum {b:1. Februar 2015}, Klasse 5c",
    "Mein Geburtsdatum ({b:23.07.1975}) ist im Bürgerkonto falsch gespeichert.",
    "Sie haben mein Geburtsdatum falsch eingetragen, richtig ist {b:09.09.1962}.",
    "geb. {b:24.12.1949} in Musterstadt, seit 1970 hier gemeldet",
    "Mein Sohn (geboren am {b:2. März 2019}) wurde im Kita-Portal abgelehnt.",
    "Geburtsdatum meiner Mutter: {b:2.2.1941}",
    "Bitte das Geburtsdatum korrigieren: {b:1985-06-30}.",
    "Ich, {n:Dieter Brandl}, geb. {b:15.08.1952}, widerspreche dem Bescheid vom 3. März.",
    "Antrag für {n:Mila Hofer}, Geburtsdatum: {b:30.01.2020}, Wunschkita Regenbogen.",
    "Unser Sohn ist am {b:12.04.2022} geboren und steht immer noch auf der Warteliste.",
    "Geb. {b:7.10.1944}, Rentnerin, keine E-Mail, bitte per Post antworten.",
    "Mein Geburtsdatum lautet {b:19.05.1987}, im Formular steht 1978.",
    "Zu meiner Person: {n:Ali Yıldız}, geboren {b:11.11.1999}, Student.",
    "Geburtstag: {b:28.02.1960}",
    "Bitte den Bescheid für meinen Mann (geb. {b:6. Juni 1951}) an mich schicken.",
    # --- several kinds in one comment
    "Sehr geehrte Damen und Herren,\nam Montag wurde unsere Biotonne in der {a:Ahornstraße 17} wieder nicht "
    "geleert. Bitte um Abholung.\nMit freundlichen Grüßen\n{n:Bernd Schäfer}",
    "Frau {n:Kuhn} hat mir gesagt, ich soll das Formular an {a:Rathausplatz 1}, {a:12345 Musterstadt} schicken, "
    "aber dort kam es nie an.",
    "Antrag auf Parkerleichterung für {n:Gisela Thomas}, geb. {b:22.09.1936}, wohnhaft {a:Birkenweg 9}.",
    "Hallo, ich bin {n:Kevin Schmitz} aus der {a:Goethestraße 18} und wollte fragen, wann der Spielplatz öffnet.",
    "Bitte melden Sie sich bei meinem Betreuer Herrn {n:Kowalczyk}, ich wohne {a:Hinter der Kirche 2}.",
    "Mein Sohn {n:Tim Becker}, geboren am {b:08.08.2018}, wurde in der Kita {a:Am Lindenhof 6} nicht angenommen.",
    "Beschwerde über Herrn {n:Jung} vom Ordnungsamt, der mir vor meinem Haus {a:Ulmenweg 10} einen "
    "Strafzettel gegeben hat, obwohl ich nur ausgeladen habe.",
    "Unterlagen für {n:Hanna Lindqvist}, {a:Sandweg 21}, {a:12345 Musterstadt}, geb. {b:04.03.1993}",
    "Mit freundlichen Grüßen\n{n:Ingrid Pohl}\n{a:Waldstraße 64}\n{a:54321 Beispielhausen}",
    "Ich, Frau {n:Gül Yavuz}, wohnhaft {a:Ringstraße 5}, bitte um einen Termin beim Sozialamt.",
]

# --------------------------------------------------------------------------------------------------------------
# Without personal data
# --------------------------------------------------------------------------------------------------------------

_NEGATIVE = [
    # --- Bürgeramt, Standesamt, Ausländerbehörde
    "Im Bürgeramt Mitte musste ich trotz Termin über eine Stunde warten.",
    "Die Frau am Schalter 3 war sehr freundlich und hat mir alles erklärt.",
    "Der Herr an der Information wusste leider nicht, wo das Standesamt ist.",
    "Die Online-Terminvergabe im Bürgerbüro Nord funktioniert am Handy nicht, nur am PC.",
    "Warum kann ich den Personalausweis nicht im Bürgeramt Süd abholen, wenn ich ihn dort beantragt habe?",
    "Sehr geehrte Damen und Herren, die Wartemarken-Anzeige im Neuen Rathaus ist seit Montag ausgefallen.",
    "Eine ältere Frau ist im Treppenhaus vom Rathaus gestürzt, weil der Aufzug wieder nicht ging.",
    "Die Kollegin am Empfang hat mich in die falsche Etage geschickt, Zimmer 2.14 gibt es im Altbau nicht.",
    "Meine Frau und ich wollten die Geburtsurkunde unserer Tochter abholen, aber das Standesamt war zu.",
    "Anmeldung nach Umzug innerhalb von Musterstadt: Warum brauche ich eine Wohnungsgeberbestätigung?",
    "Bürgeramt Weststadt: Kartenzahlung ging wieder nicht, nur Bargeld. Das ist nicht mehr zeitgemäß.",
    "Herr Oberbürgermeister, bitte sorgen Sie dafür, dass die Bürgerämter auch samstags öffnen.",
    "Frau Bürgermeisterin, die Sprechstunde im Rathaus war eine tolle Idee, bitte öfter!",
    "Die Dame von der Ausländerbehörde hat sich viel Zeit genommen, danke dafür.",
    "Geburtsurkunde beantragt am 12.03.2026, bis heute ist nichts gekommen.",
    "Führungszeugnis online beantragt, die Bezahlung schlägt jedes Mal fehl.",
    "Der Mann vor mir in der Schlange hat eine halbe Stunde mit der Sachbearbeiterin diskutiert.",
    "Frau und Kinder mussten draußen warten, weil im Wartebereich kein Platz war.",
    "Die Herren vom Sicherheitsdienst im Rathaus sind sehr unfreundlich.",
    "Das Standesamt im Alten Rathaus ist für Rollstuhlfahrer nicht erreichbar.",
    "Sehr geehrte Frau Oberbürgermeisterin, warum gibt es keine Abendtermine mehr?",
    "Die Mitarbeiterin im Bürgerbüro hat mir den Reisepass an einem Tag besorgt, großartig!",
    "Herr Doktor hat man früher gesagt, heute wartet man drei Monate auf einen Termin im Gesundheitsamt.",
    # --- Abfall
    "In der Hauptstraße stehen seit Tagen gelbe Säcke herum, die Abholung wurde vergessen.",
    "Der Wertstoffhof Nord hat samstags nur bis 12 Uhr offen, das reicht nicht.",
    "Die Altkleidercontainer am Parkplatz vom Freibad Süd quellen über.",
    "Die Biotonne in der Goethestraße wurde am Mittwoch nicht geleert, die Nachbarn haben das gleiche Problem.",
    "Der Sperrmüll-Termin für die Südstadt ist erst im Februar frei, das ist viel zu spät.",
    "Wilder Müll im Stadtwald hinter dem Sportplatz, bitte abholen.",
    "Der Abfallkalender für das nächste Jahr ist in der App noch nicht drin.",
    "Die Müllabfuhr kommt in die Bahnhofstraße jetzt schon um 6 Uhr, vorher war es 9 Uhr.",
    "Die Glascontainer Am Markt werden auch sonntags benutzt, der Lärm stört die Anwohner.",
    "Warum kostet die Restmülltonne mit 120 Litern jetzt 30 Euro mehr im Jahr?",
    "Am Wertstoffhof Süd wurde ich abgewiesen, weil ich keine Anlieferkarte dabei hatte.",
    "Die Grünschnitt-Sammelstelle am Friedhof Ost ist schon wieder voll.",
    "In der Kastanienallee liegen nach dem Sturm noch immer Äste auf dem Gehweg.",
    "Die Müllwerker stellen die Tonnen mitten auf den Radweg in der Kölner Straße.",
    "Bitte mehr Mülleimer im Stadtpark, besonders am Teich und beim Spielplatz.",
    "Die Straßenreinigung in der Altstadt ist hervorragend, nur die Kirchgasse wird vergessen.",
    "Auf dem Wertstoffhof gibt es keine Hilfe beim Ausladen, für Ältere ist das schwierig.",
    "Warum wird Papier in der Weststadt nur alle vier Wochen abgeholt?",
    "Die Tonnen-Bestellung im Online-Portal verlangt eine Kundennummer, die ich nicht habe.",
    # --- Bäder
    "Das Freibad Süd sollte bei über 30 Grad länger offen haben.",
    "Im Hallenbad Nord ist die Dusche in der Herrenumkleide seit Wochen kaputt.",
    "Der Bademeister im Waldbad war super nett zu den Kindern.",
    "Warum gibt es im Sportbad keine Familienkarte mehr?",
    "Die Kasse im Freibad nimmt keine EC-Karte, nur Bargeld oder die Stadtwerke-App.",
    "Frühschwimmen ab 6:30 Uhr im Stadtbad Mitte bitte wieder einführen!",
    "Die Rutsche im Erlebnisbad Am See war am Wochenende gesperrt, ohne Hinweis auf der Webseite.",
    "Sauna im Hallenbad Weststadt: Der Ruheraum ist viel zu laut.",
    "Im Freibad gibt es keinen einzigen Wickeltisch in der Damenumkleide.",
    "Schwimmkurse für Erwachsene im Lehrschwimmbecken der Grundschule Am Lindenhof wären toll.",
    "Das Naturbad Am Mühlenteich ist ein Traum, bitte so lassen.",
    "Im Freibad Nord fehlen Schattenplätze auf der Liegewiese.",
    # --- Stadtwerke
    "Die Stadtwerke Musterstadt haben meinen Abschlag ohne Ankündigung erhöht.",
    "Der Strompreis der Stadtwerke ist höher als bei jedem Online-Anbieter.",
    "Im Kundenzentrum der Stadtwerke in der Bahnhofstraße gibt es keine Sitzplätze zum Warten.",
    "Die Fernwärme-Abrechnung ist unverständlich, welche Zahl ist denn der Verbrauch?",
    "Wasserrohrbruch in der Schillerstraße, das Wasser läuft schon seit Stunden auf die Fahrbahn.",
    "Die Zählerablesung per Foto in der App klappt nicht, der Upload hängt.",
    "Die Ladesäule am Rathausplatz ist dauerhaft von Firmenwagen belegt.",
    "Die E-Ladesäule Am Bahnhof Nord zeigt seit Tagen Störung an.",
    "Stadtwerke Musterstadt, Sparkasse Musterstadt, Rathaus Musterstadt: alle haben andere Öffnungszeiten.",
    "Das Glasfaser-Angebot der Stadtwerke gilt angeblich nicht für die Oststadt.",
    # --- Verkehr, ÖPNV, Straßen
    "Die Linie 5 Richtung Hauptbahnhof fährt morgens oft zu früh ab.",
    "Der Bus 12 hält nicht mehr an der Haltestelle Rathaus Musterstadt, warum?",
    "Die Ampel an der Kreuzung Berliner Straße / Ringstraße ist für Fußgänger viel zu kurz grün.",
    "Die Baustelle in der Hauptstraße dauert jetzt schon drei Monate, wann ist Schluss?",
    "Hauptstraße seit 3 Wochen gesperrt und keine Umleitung ausgeschildert.",
    "Im Parkhaus Altstadt ist Stellplatz 3 dauerhaft mit Baumaterial zugestellt.",
    "Auf der B 27 Richtung Neustadt fehlt nach der Baustelle das Tempolimit-Schild.",
    "Der Radweg am Mühlenweg endet plötzlich im Nichts.",
    "Schlagloch in der Kirchgasse, Höhe Bäckerei, schon zwei Radfahrer sind gestürzt.",
    "Der Fahrkartenautomat am Marktplatz nimmt keine Scheine.",
    "Der Zebrastreifen vor der Grundschule Nord ist kaum noch zu sehen.",
    "Am Bahnhof Süd gibt es keine überdachten Fahrradständer.",
    "Die Anzeigetafel am Busbahnhof zeigt seit Tagen falsche Zeiten.",
    "Der Parkscheinautomat in der Friedrich-Ebert-Allee ist defekt.",
    "Die Straßenbahn Linie 2 zur Messe ist am Wochenende hoffnungslos überfüllt.",
    "Tempo 30 vor dem Seniorenheim Am Stadtpark wird nie kontrolliert.",
    "Auf dem Platz der Republik parken abends ständig Autos auf dem Gehweg.",
    "Die Straße des 17. Juni ist zwischen Bahnhof und Rathaus voller Schlaglöcher.",
    "Die Umleitung über die Karl-Marx-Straße ist für Lkw viel zu eng.",
    "Baustelle Kölner Ring: 2 Spuren gesperrt, Stau bis zur Autobahn.",
    "Warum dauert die Rotphase an der Lindenstraße 2 Minuten?",
    "Am Markt 2 Stunden nach einem Parkplatz gesucht, ein Parkleitsystem wäre gut.",
    "Im Jahr 2025 wurde uns der Radweg versprochen, passiert ist nichts.",
    "Gleis 3 am Hauptbahnhof hat keinen Aufzug.",
    "Die Haltestelle Goetheplatz braucht dringend ein Wartehäuschen.",
    "Der Nachtbus N3 fährt nur bis Oststadt, nicht bis Bergheim.",
    "Die Bahnhofstraße 200 Meter vor der Kreuzung ist nachts komplett dunkel.",
    "In der Ringstraße 5 Minuten im Stau gestanden, nur weil die Ampel ausgefallen ist.",
    "Die Schranke am Parkplatz P2 öffnet nicht, obwohl ich bezahlt habe.",
    "Der Kreisel an der Nordstraße ist für Radfahrer lebensgefährlich.",
    "Die Brücke über die Lahn bei Musterstadt ist für Fußgänger zu schmal.",
    "Seit der Sperrung der Talstraße fahren alle durch unsere Wohnstraße.",
    "Die A 81 Auffahrt Musterstadt-Süd ist seit Wochen gesperrt, und keiner sagt, wie lange noch.",
    "Die Ampel in der Goethestraße Ecke Schillerstraße ist nachts aus.",
    "Auf der Hauptstraße zwischen Hausnummer 10 und 30 fehlt ein Zebrastreifen.",
    "Die Buslinie 7 sollte auch sonntags bis zum Waldfriedhof fahren.",
    "Der Kreuzungsbereich Am Markt / Kirchgasse ist bei Regen eine einzige Pfütze.",
    # --- Grünflächen, Spielplätze
    "Der Spielplatz im Rosengarten hat eine kaputte Schaukel.",
    "Die Bänke im Stadtpark wurden abgebaut, wo sollen Ältere sich ausruhen?",
    "Der Rasen am Sophie-Scholl-Platz wird viel zu selten gemäht.",
    "Im Schlosspark blüht dieses Jahr nichts, früher war das schöner.",
    "Der Baum vor der Anne-Frank-Schule ist morsch und könnte umfallen.",
    "Die Hundewiese am Alten Friedhof ist super, danke!",
    "Spielplatz 2 im Neubaugebiet Lindenhof hat keinen Schatten.",
    "Der Bolzplatz an der Gesamtschule Nord wird abends als Partytreff genutzt.",
    "Die Linden in der Lindenallee sollen gefällt werden? Warum?",
    "Beim Wasserspielplatz im Stadtpark fehlt ein Trinkbrunnen.",
    "Die Blumenbeete am Kaiser-Wilhelm-Platz sind wunderschön, ein großes Lob an die Gärtner.",
    "Im Park An der Wassermühle liegen überall Scherben.",
    "Der Max und Moritz Spielplatz ist toll geworden.",
    # --- Ordnungsamt, Lärm, Parken
    "Das Ordnungsamt kontrolliert in der Altstadt nie die Falschparker.",
    "Jeden Freitag Lärm vom Jugendzentrum Am Hang bis nach Mitternacht.",
    "Die Politesse war in der Schulstraße sehr kulant, danke.",
    "Hundekot überall im Park an der Wassermühle.",
    "Der Herr vom Ordnungsamt hat am Telefon einfach aufgelegt.",
    "Auf dem Marktplatz wird am Sonntag mit Autos gehandelt, ist das erlaubt?",
    "Eine Frau Mitte 50 hat auf dem Schulhof Hunde frei laufen lassen, die Kinder hatten Angst.",
    "Ein Herr Anfang 70 ist an der Bushaltestelle umgekippt, der Notruf hat 20 Minuten gebraucht.",
    "Die Nachbarin von gegenüber hat schon dreimal das Ordnungsamt angerufen, nie kam jemand.",
    # --- Kita, Schule, Jugend
    "Wir suchen einen Kita-Platz für unseren Sohn ab August, das Portal zeigt keine freien Plätze.",
    "Die Kita Regenbogen in der Südstadt schließt ständig wegen Personalmangel.",
    "Die Elternbeiträge für die Kita Sonnenschein wurden doppelt abgebucht.",
    "Der Schulweg zur Heinrich-Heine-Grundschule wird im Winter nicht gestreut.",
    "Das Heinrich Heine Gymnasium braucht dringend neue Toiletten.",
    "Die Albert Schweitzer Schule hat seit Monaten keine funktionierende Heizung im Altbau.",
    "Das Essensgeld in der Mensa der Max-Planck-Realschule ist zu hoch.",
    "Jugendamt: Ein Rückruf wurde versprochen, kam aber nie.",
    "Der Schulbus zur Gesamtschule Am Stadtpark ist immer überfüllt.",
    "Die Ferienbetreuung im Sommer war nach 5 Minuten ausgebucht.",
    "Die Willy Brandt Gesamtschule hat einen neuen Schulhof, toll!",
    "Das Lessing-Gymnasium braucht neue Fahrradständer.",
    "Die Erzieherinnen in der Kita Pusteblume machen einen tollen Job.",
    "Die Lehrerin meiner Tochter sagt, die Schule hat kein Geld für Tablets.",
    "Warum dauert die Schuleingangsuntersuchung beim Gesundheitsamt so lange?",
    # --- Bibliothek, Kultur, Feste
    "Die Stadtbibliothek sollte auch sonntags öffnen, wenigstens der Lesesaal.",
    "Die Harry Potter Lesenacht in der Stadtbücherei war für die Kinder ein Highlight.",
    "Im Stadtmuseum ist die Ausstellung zur Stadtgeschichte nur auf Deutsch beschriftet.",
    "Tickets für das Stadttheater lassen sich online nicht mit PayPal bezahlen.",
    "Die Karl May Festspiele auf der Freilichtbühne waren toll organisiert.",
    "Die Onleihe funktioniert nicht mit dem neuen E-Reader.",
    "Volkshochschule: Der Spanischkurs B1 wurde ohne Ersatz abgesagt.",
    "Die Musikschule im Alten Rathaus ist nicht barrierefrei.",
    "Beim Sankt Martin Umzug bitte die Straße rechtzeitig sperren.",
    "Der Weihnachtsmarkt Am Markt war dieses Jahr viel zu voll.",
    "Die Führung durch die Marienkirche mit dem Stadtführer war großartig.",
    "Das Konzert im Goethe-Saal der Stadthalle war super, aber hinten hört man nichts.",
    "Die Maria-Hilf-Kirche ist abends nicht mehr beleuchtet.",
    "Das Sankt Anna Stift braucht mehr Parkplätze für Besucher.",
    "Das St. Georg Krankenhaus ist mit dem Bus schlecht erreichbar.",
    "Im Café am Goetheplatz gibt es keine barrierefreie Toilette.",
    "An Maria Himmelfahrt war das Bürgeramt geschlossen, obwohl hier kein Feiertag ist.",
    "Wann wird die Konrad-Adenauer-Brücke endlich saniert?",
    "Die Otto Hahn Straße ist eine Sackgasse, das Navi schickt trotzdem alle dorthin.",
    "Im Robert Koch Haus fehlt ein Aufzug.",
    "Vor dem Theodor Heuss Haus sind die Gehwegplatten lose.",
    "Das Stadtfest am Schlossplatz war super, nur die Toiletten waren zu wenige.",
    "Die Lesung im Literaturhaus war ausverkauft, bitte einen größeren Raum nehmen.",
    # --- Soziales, Wohnen, Bauen
    "Mein Wohngeldantrag ist seit 4 Monaten in Bearbeitung, ich kann die Miete bald nicht mehr zahlen.",
    "Das Sozialamt in der Friedrich-Ebert-Straße ist telefonisch nie erreichbar.",
    "Bauantrag für einen Carport: Warum dauert das sechs Monate?",
    "Im Bauamt sagt jeder Sachbearbeiter etwas anderes.",
    "Der Bebauungsplan Nordstadt-West ist auf der Webseite nicht zu finden.",
    "Die Sozialwohnungen am Kölner Ring sind in einem schlimmen Zustand, überall Schimmel.",
    "Die Seniorenberatung im Bürgerhaus Oststadt ist eine tolle Sache.",
    "Der Mieterverein hat uns an die Stadt verwiesen, die Stadt an den Mieterverein.",
    "Das Quartiersbüro in der Weststadt hat nur dienstags offen.",
    "Die Schuldnerberatung hat mir sehr geholfen, danke an das ganze Team!",
    # --- Friedhof, Tiere, Gesundheit, Feuerwehr
    "Auf dem Waldfriedhof fehlen Gießkannen an der Wasserstelle.",
    "Das Tierheim Musterstadt macht tolle Arbeit, mehr Unterstützung bitte!",
    "Die Hundesteuer für den Zweithund ist unverhältnismäßig hoch.",
    "Im Gesundheitsamt gibt es Impftermine nur vormittags, das geht für Berufstätige nicht.",
    "Die Trauerhalle am Hauptfriedhof braucht dringend eine Renovierung.",
    "Die Sirene in der Nordstadt war beim Warntag nicht zu hören.",
    "Der Tag der offenen Tür bei der Feuerwache Süd war klasse.",
    # --- counts, dates, birth words without a date of birth
    "Musterstadt hat über 85000 Einwohner und nur ein einziges Hallenbad.",
    "Die Petition hat schon 12000 Unterschriften, bitte nehmen Sie das ernst.",
    "Im Jahr werden 25000 Tonnen Restmüll verbrannt, das muss weniger werden.",
    "Wir haben 10000 Euro für den neuen Spielplatz gesammelt.",
    "Die Stadtwerke versorgen 40000 Haushalte mit Fernwärme.",
    "Zum Stadtfest kamen 30000 Besucher, aber es gab nur 20 Toiletten.",
    "Ich bin 1958 geboren und komme mit dem Online-Formular nicht zurecht.",
    "Geboren und aufgewachsen in Musterstadt, aber so schlimm war der Verkehr noch nie.",
    "Für unser Kind, geboren im Mai, suchen wir einen Krippenplatz ab Januar.",
    "Das Formular fragt das Geburtsdatum ab, obwohl es für die Bibliothekskarte nicht nötig ist.",
    "Der Termin beim Standesamt am 14.02.2026 wurde ohne Grund abgesagt.",
    "Bescheid vom 01.02.2026 erhalten, Widerspruch eingelegt am 15.02.2026.",
    "Jahrgang 1952, aber mit dem Internet komme ich trotzdem zurecht.",
    "Die Geburtstagsfeier im Bürgerhaus am 3.5. war super organisiert.",
    "Die Geburtsurkunde vom 12.03.2024 war fehlerhaft, der Geburtsort war falsch geschrieben.",
    "Bitte das Geburtsdatum im Formular nicht als Pflichtfeld, das geht niemanden etwas an.",
    # --- greetings without names
    "Vielen Dank für die schnelle Reparatur der Laterne! Viele Grüße aus der Südstadt",
    "Die Bank am Teich ist wieder da. Liebe Grüße an das Team vom Grünflächenamt!",
    "Bitte kümmern Sie sich darum.\nMit freundlichen Grüßen",
    "Die Laternen im Nordpark sind seit Wochen aus.\nMit freundlichen Grüßen\nIhr Bürgerverein Nordstadt",
    "Grüße an alle, die bei dieser Hitze die Straßen fegen.",
    "Der Kreisel ist gefährlich. Danke und Gruß, ein genervter Anwohner der Bahnhofstraße",
    "Bitte mehr Bänke!\nMfG\nEin Bürger aus der Weststadt",
    "Herzliche Grüße vom Elternbeirat der Kita Regenbogen",
    "Danke für den neuen Zebrastreifen! Viele Grüße, die Nachbarschaft vom Mühlenweg",
    "Die Heizung ist wieder kaputt.\nSchöne Grüße\nDie Mieter vom Kölner Ring",
    "Sauberer Markt, nette Händler. Gruß aus dem Rathausviertel",
    "Bitte den Ausflug genehmigen.\nBeste Grüße\nElternvertretung Klasse 3b",
    "Ein großes Lob an die Stadtreinigung. Mit freundlichen Grüßen, eine zufriedene Bürgerin",
]

POSITIVE: list[Case] = [parse(marked) for marked in _POSITIVE_MARKED]
NEGATIVE: list[str] = list(_NEGATIVE)

# --------------------------------------------------------------------------------------------------------------
# Probe: written after the rules were frozen, aimed at their likely blind spots, never used for tuning
# --------------------------------------------------------------------------------------------------------------

_PROBE_MARKED = [
    "ich wohne in der {a:lindenstraße 12} und die tonne wurde wieder nicht geleert",
    "{n:Schmidt} vom Bürgeramt war total unfreundlich zu mir.",
    "Danke, {n:Anna}! Sie haben mir sehr geholfen.",
    "Die Kollegin {n:Yvonne} am Empfang hat mir weitergeholfen.",
    "MIT FREUNDLICHEN GRÜSSEN\n{n:PETER MÜLLER}",
    "Wohnhaft {a:Thomaskirchhof 1}, {a:04109 Leipzig}",
    "Die Post für {a:Lange Reihe 5} landet immer bei den Nachbarn.",
    "Geburtsdatum {b:01/02/1980}, bitte korrigieren.",
    "Ich bin geb. {b:1.2.1980} in Polen und seit 2005 hier.",
    "Herr Dr. {n:Schmidt-Meier} hat den Antrag abgelehnt.",
    "Frau {n:Çelik} aus dem Jugendamt war sehr verständnisvoll.",
    "Herr {n:Nguyễn Văn An} hat die Übersetzung gemacht.",
    "Ansprechpartner für den Verein ist {n:Jürgen}.",
    "Wir, die Eheleute {n:Peter} und {n:Maria Lang}, beantragen eine Sondernutzung.",
    "Bitte schicken Sie den Bescheid an {a:Rosa Luxemburg Str. 7}.",
    "Absender: {n:M. Kowalski}, {a:Ahornweg 3}",
    "Meine Tochter {n:Lea} (7) bekommt keinen Platz in der Kita.",
    "Herr {n:Müller} und Frau {n:Yıldırım} vom Jugendamt kamen zu zweit.",
    "Die Unterlagen sind angekommen.\nGez. {n:Hans Becker}",
    "Mit freundlichen Grüßen i. A. {n:Sandra Koch}",
    "{n:Anna-Sophie} aus der 3b hat den Lesewettbewerb gewonnen!",
    "Der Hausmeister, ein Herr {n:Krause}, hat uns nicht reingelassen.",
    "Mein Geburtsdatum ist der {b:3. Oktober 1990}, nicht der 10. März.",
    "geb. am {b:05. Mai 1955}, verwitwet, bitte Termin zu Hause",
    "Wir wohnen {a:Am Kirchberg 12a}, {a:54321 Beispielhausen}.",
    "Adresse: {a:Hauptstraße 12}, 2. OG, {a:12345 Musterstadt}",
    "Vor {a:Steinweg 4-6} liegt seit Tagen Müll.",
    "Ich wohne auf der {a:Schillerstr. 3} und höre nachts die Autobahn.",
    "Sehr geehrte Frau Prof. Dr. {n:Elisabeth Maier-Leibnitz},",
    "Sehr geehrter Herr Bürgermeister Dr. {n:Krüger}, bitte helfen Sie.",
    "Unterschrift: {n:Klaus Meier}",
    "Mein Mann {n:Dieter} ist seit dem Unfall im Rollstuhl.",
    "Bitte rufen Sie Frau {n:Hoffmann-Özkan} zurück.",
    "Das Kind {n:Elif Yilmaz}, {b:12.07.2016} geboren, braucht einen Schulbegleiter.",
]
_PROBE_NEGATIVE = [
    "Die Frau Holle Aufführung im Stadttheater war wunderschön.",
    "Das Max Planck Institut liegt am Stadtrand und ist schlecht angebunden.",
    "Am Neuen Markt 3 Stände weniger als letztes Jahr, schade.",
    "Am Sonntag 3 Stunden geöffnet ist zu wenig.",
    "Die Bahnhofstraße 1 bis 15 ist gesperrt.",
    "Viele Grüße aus Berlin, wo es auch nicht besser ist.",
    "Wir waren mit 12 Kindern Am Markt 1 Stunde unterwegs.",
    "Die Petition mit 15000 Unterschriften, 12000 davon online, wurde ignoriert.",
    "Bus 5, Linie 12, Gleis 4, Haltestelle Goethestraße: alles verspätet.",
    "Die Ampel Ecke Hauptstraße/Bahnhofstraße ist defekt.",
    "Der Radweg zwischen Musterstadt und Beispielhausen ist eine Zumutung.",
    "Die Paul Gerhardt Kirche ist abends geschlossen.",
    "Beim Tag der offenen Tür im Robert-Koch-Institut war es voll.",
    "Das Jobcenter schickt Briefe an die falsche Adresse.",
    "Die Goethestraße hat 120 Hausnummern und keinen Briefkasten.",
    "Die Kinder spielen Am Markt 3 mal täglich Fußball.",
    "Sehr geehrte Frau Stadträtin, sehr geehrter Herr Stadtrat,",
    "Dr. Oetker Pudding im Schulessen ist keine gesunde Ernährung.",
    "Die Marie Curie Grundschule braucht eine Mensa.",
    "Das Hannah Arendt Gymnasium hat keine Turnhalle mehr.",
    "Das Konzert in der Mercedes Benz Arena war zu laut.",
    "Wir brauchen mehr Grün Am Markt.",
    "Die Peter und Paul Kirche wird renoviert.",
    "Die Linie 5 fährt über Am Markt nur 2 mal pro Stunde.",
    "Der Weihnachtsmarkt 2025 war toll.",
    "An der Kreuzung Berliner Straße 3 Autos gleichzeitig bei Rot.",
    "Die Tafel am Rathausplatz öffnet 3 mal pro Woche.",
    "Meine Mutter, Jahrgang 1941, kann nicht mehr laufen.",
    "Der Frauenparkplatz im Parkhaus Altstadt ist zu dunkel.",
    "Herzliche Grüße und bleiben Sie gesund!",
    "Liebe Grüße an Frau und Herrn Bürgermeister.",
    "Die Sophie Scholl Gesamtschule bekommt endlich neue Fenster.",
]
PROBE: list[Case] = [parse(marked) for marked in _PROBE_MARKED]
PROBE_NEGATIVE: list[str] = list(_PROBE_NEGATIVE)


# --------------------------------------------------------------------------------------------------------------
# Measuring (tests/unit/test_redaction.py and bench/redaction.py)
# --------------------------------------------------------------------------------------------------------------

PARTS = ("all", "tuning", "held-out", "probe")


class Figures(NamedTuple):
    secrets: int
    found: int
    false_positives: int

    @property
    def recall(self) -> float:
        return self.found / self.secrets if self.secrets else 1.0

    @property
    def precision(self) -> float:
        return self.found / (self.found + self.false_positives) if self.found + self.false_positives else 1.0


def in_part(text: str, part: str) -> bool:
    return part == "all" or held_out(text) == (part == "held-out")


def measure(
    find: Callable[[str], Iterable[tuple[int, int, str]]], part: str = "all"
) -> tuple[dict[str, Figures], list[str]]:
    """Per kind and for "all": the secrets, how many were found (a finding of their kind covers them whole) and
    the false positives (findings of one of these kinds that overlap no secret of that kind, in any text); plus
    the texts whose findings are not exactly the marks. ``find`` gives (start, end, kind) per finding; kinds
    other than ``NAME_KINDS`` are ignored. ``part``: "all", "tuning" or "held-out" of the corpus, or "probe"
    (``PROBE`` and ``PROBE_NEGATIVE``, not part of "all")."""
    secrets: Counter[str] = Counter()
    found: Counter[str] = Counter()
    false_positives: Counter[str] = Counter()
    wrong: list[str] = []
    if part == "probe":
        cases = PROBE + [Case(text, ()) for text in PROBE_NEGATIVE]
    else:
        cases = [case for case in POSITIVE if in_part(case.text, part)]
        cases += [Case(text, ()) for text in NEGATIVE if in_part(text, part)]
    for case in cases:
        findings = [(start, end, kind) for start, end, kind in find(case.text) if kind in NAME_KINDS]
        for secret in case.secrets:
            secrets[secret.kind] += 1
            if any(k == secret.kind and s <= secret.start and e >= secret.end for s, e, k in findings):
                found[secret.kind] += 1
        for s, e, k in findings:
            if not any(k == secret.kind and s < secret.end and secret.start < e for secret in case.secrets):
                false_positives[k] += 1
        if sorted(findings) != sorted(case.secrets):
            marked = [(case.text[s.start : s.end], s.kind) for s in case.secrets]
            got = [(case.text[s:e], k) for s, e, k in findings]
            wrong.append(f"{case.text!r}: marked {marked}, found {got}")
    figures = {kind: Figures(secrets[kind], found[kind], false_positives[kind]) for kind in NAME_KINDS}
    figures["all"] = Figures(*(sum(column) for column in zip(*figures.values(), strict=True)))
    return figures, wrong
