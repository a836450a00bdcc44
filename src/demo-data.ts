import { type Db, type Prisma } from "./db.js";
import {
  type CourseCategory,
  type EventKind,
  type Language,
  type Role,
  type SponsorStatus,
} from "./generated/prisma/client.js";
import type { TimeSpan, WeeklySlot } from "./features/courses/schedule.js";
import type { District, HelpArea, Time } from "./features/sponsorship/service.js";
import { addDays, calendarDayOf, clockTimeOn, isoWeekdayOf, type CalendarDay, type IsoWeekday } from "./time.js";

/**
 * Demo data of the municipality: people, courses of the Integrationswerkstatt, events of the next
 * weeks and sponsors, all placed relative to `now` so the demo always looks current. Demo people
 * carry negative Telegram ids, which no real user can have.
 */

type Tx = Prisma.TransactionClient;


interface BilingualText {
  titleDe: string;
  titleRu: string;
  descriptionDe: string;
  descriptionRu: string;
}


// ───────────────────────────── people ─────────────────────────────

interface DemoSponsor {
  status: SponsorStatus;
  languages: readonly Language[];
  areas: readonly HelpArea[];
  districts: readonly District[];
  availability: readonly Time[];
  maxFamilies: number;
  shareContact: boolean;
  about: string;
}

interface DemoPerson {
  ref: string;
  telegramId: number;
  firstName: string;
  lastName: string;
  language: Language;
  district: string;
  joinedDaysAgo: number;
  roles: readonly Role[];
  sponsor?: DemoSponsor;
}

const DEMO_PEOPLE = [
  {
    ref: "germanTeacher",
    telegramId: -1001,
    firstName: "Natalia",
    lastName: "Becker",
    language: "ru",
    district: "Belm",
    joinedDaysAgo: 90,
    roles: ["instructor"],
  },
  {
    ref: "workshopTeacher",
    telegramId: -1002,
    firstName: "Thomas",
    lastName: "Brinkmann",
    language: "de",
    district: "Vehrte",
    joinedDaysAgo: 85,
    roles: ["instructor"],
  },
  {
    ref: "quarterManager",
    telegramId: -1003,
    firstName: "Sabine",
    lastName: "Hollmann",
    language: "de",
    district: "Belm",
    joinedDaysAgo: 120,
    roles: ["manager"],
  },
  {
    ref: "sponsorErika",
    telegramId: -1004,
    firstName: "Erika",
    lastName: "Meyer",
    language: "de",
    district: "Vehrte",
    joinedDaysAgo: 60,
    roles: [],
    sponsor: {
      status: "active",
      languages: ["de"],
      areas: ["authorities", "homework"],
      districts: ["vehrte", "belm"],
      availability: ["weekday"],
      maxFamilies: 2,
      shareContact: true,
      about:
        "Pensionierte Grundschullehrerin. Ich helfe gern bei Hausaufgaben und begleite zu Terminen im Rathaus oder beim Jobcenter.",
    },
  },
  {
    ref: "sponsorViktor",
    telegramId: -1005,
    firstName: "Viktor",
    lastName: "Schmidt",
    language: "ru",
    district: "Belm",
    joinedDaysAgo: 45,
    roles: [],
    sponsor: {
      status: "active",
      languages: ["de", "ru"],
      areas: ["jobs", "authorities", "housing"],
      districts: ["belm", "haltern"],
      availability: ["evening", "weekend"],
      maxFamilies: 1,
      shareContact: true,
      about:
        "1996 aus Kasachstan gekommen, heute Meister in einem Metallbetrieb in Osnabrück. Ich weiß, wie schwer der Anfang ist, und helfe bei Bewerbungen, Wohnungssuche und Behördenbriefen.",
    },
  },
  {
    ref: "sponsorOlga",
    telegramId: -1006,
    firstName: "Olga",
    lastName: "Wagner",
    language: "ru",
    district: "Icker",
    joinedDaysAgo: 30,
    roles: [],
    sponsor: {
      status: "active",
      languages: ["de", "ru"],
      areas: ["language", "homework", "leisure"],
      districts: ["icker", "belm"],
      availability: ["weekday", "evening"],
      maxFamilies: 1,
      shareContact: false,
      about:
        "Мама двоих детей, работаю в детском саду. С удовольствием помогу с немецким и домашними заданиями, покажу, где в Бельме спортивные секции и кружки для детей.",
    },
  },
  {
    ref: "sponsorJuergen",
    telegramId: -1007,
    firstName: "Jürgen",
    lastName: "Tiemann",
    language: "de",
    district: "Powe",
    joinedDaysAgo: 20,
    roles: [],
    sponsor: {
      status: "active",
      languages: ["de"],
      areas: ["leisure", "jobs"],
      districts: ["powe", "vehrte"],
      availability: ["weekend"],
      maxFamilies: 1,
      shareContact: false,
      about:
        "Im Sportverein und bei der Freiwilligen Feuerwehr aktiv. Ich nehme Familien gern mit zu Vereinen und erzähle, wie Ausbildung und Arbeit im Handwerk laufen.",
    },
  },
  {
    ref: "sponsorIrina",
    telegramId: -1008,
    firstName: "Irina",
    lastName: "Klassen",
    language: "ru",
    district: "Haltern",
    joinedDaysAgo: 3,
    roles: [],
    sponsor: {
      status: "pending",
      languages: ["de", "ru"],
      areas: ["authorities", "language"],
      districts: ["haltern", "belm"],
      availability: ["evening"],
      maxFamilies: 1,
      shareContact: false,
      about:
        "Ich arbeite als Übersetzerin und möchte Neuankömmlingen beim Ausfüllen von Formularen und bei den ersten Schritten mit der deutschen Sprache helfen.",
    },
  },
] as const satisfies readonly DemoPerson[];

type PersonRef = (typeof DEMO_PEOPLE)[number]["ref"];

// ───────────────────────────── courses ─────────────────────────────

interface DemoCourse extends BilingualText {
  category: CourseCategory;
  capacity: number;
  place: string;
  instructor: PersonRef;
  /** Weeks from the Monday of the current week; negative means the course is already running. */
  firstWeek: number;
  weeks: number;
  slots: readonly WeeklySlot[];
}

const WORKSHOP = "Integrationswerkstatt, Marktring 8, Belm";

const DEMO_COURSES: readonly DemoCourse[] = [
  {
    titleDe: "Deutsch A1 – Alltag und Beruf",
    titleRu: "Немецкий A1 — быт и работа",
    descriptionDe:
      "Für alle, die mit Deutsch (fast) von vorn beginnen: Wir üben Gespräche beim Arzt, im Rathaus, beim Einkaufen und am Arbeitsplatz. Kleine Gruppe mit höchstens zwölf Teilnehmenden, damit alle zu Wort kommen. Das Lernmaterial wird gestellt, Kinderbetreuung gibt es nach Absprache.",
    descriptionRu:
      "Для всех, кто начинает учить немецкий (почти) с нуля: тренируем разговоры у врача, в ратуше, в магазине и на работе. Маленькая группа — не больше двенадцати человек, чтобы каждый успел высказаться. Учебные материалы предоставляем, присмотр за детьми — по договорённости.",
    category: "language",
    capacity: 12,
    place: WORKSHOP,
    instructor: "germanTeacher",
    firstWeek: -4,
    weeks: 16,
    slots: [
      { weekday: 1, from: "09:00", to: "12:00" },
      { weekday: 3, from: "09:00", to: "12:00" },
    ],
  },
  {
    titleDe: "Deutsch B1 – sicher sprechen, Prüfung bestehen",
    titleRu: "Немецкий B1 — уверенно говорить и сдать экзамен",
    descriptionDe:
      "Abendkurs für alle, die sich im Alltag schon gut verständigen und jetzt das Zertifikat B1 (Deutsch-Test für Zuwanderer) anstreben. Wir schreiben Briefe und E-Mails an Behörden und Arbeitgeber, üben die mündliche Prüfung und bereiten uns gezielt auf den Test vor. Gut zu schaffen neben Arbeit und Familie.",
    descriptionRu:
      "Вечерний курс для тех, кто уже неплохо объясняется в повседневной жизни и хочет получить сертификат B1 (Deutsch-Test für Zuwanderer). Пишем письма и электронные письма в учреждения и работодателям, тренируем устную часть и целенаправленно готовимся к экзамену. Легко совмещать с работой и семьёй.",
    category: "language",
    capacity: 16,
    place: `${WORKSHOP} (Raum 2)`,
    instructor: "germanTeacher",
    firstWeek: 2,
    weeks: 14,
    slots: [
      { weekday: 2, from: "18:00", to: "20:30" },
      { weekday: 4, from: "18:00", to: "20:30" },
    ],
  },
  {
    titleDe: "Fit für die Ausbildung – Berufsorientierung",
    titleRu: "Путь в профессию — подготовка к профобучению",
    descriptionDe:
      "Welcher Beruf passt zu mir? Wir lernen Ausbildungsberufe kennen, besuchen Betriebe in Belm und Umgebung, schreiben gemeinsam Lebenslauf und Bewerbung und üben Vorstellungsgespräche. Für Jugendliche und junge Erwachsene bis 27 Jahre; Deutschkenntnisse ab A2 genügen.",
    descriptionRu:
      "Какая профессия мне подходит? Знакомимся с профессиями, которым обучают по системе Ausbildung, посещаем предприятия в Бельме и окрестностях, вместе пишем резюме и сопроводительные письма и тренируем собеседования. Для подростков и молодых людей до 27 лет; достаточно знания немецкого на уровне A2.",
    category: "vocational",
    capacity: 14,
    place: `${WORKSHOP} (Werkraum)`,
    instructor: "workshopTeacher",
    firstWeek: -2,
    weeks: 12,
    slots: [
      { weekday: 2, from: "09:00", to: "13:00" },
      { weekday: 4, from: "09:00", to: "13:00" },
    ],
  },
  {
    titleDe: "Hauptschulabschluss nachholen",
    titleRu: "Получить школьный аттестат (Hauptschulabschluss)",
    descriptionDe:
      "Ohne deutschen Schulabschluss ist der Weg in eine Ausbildung schwer. Hier bereiten wir uns in Deutsch, Mathematik und Englisch auf die externe Prüfung zum Hauptschulabschluss vor – in kleinen Gruppen, mit Lernbegleitung und Hilfe bei der Anmeldung zur Prüfung.",
    descriptionRu:
      "Без немецкого школьного аттестата путь к профессиональному обучению непрост. На этом курсе мы готовимся к сдаче экзаменов на Hauptschulabschluss экстерном — по немецкому языку, математике и английскому, в небольших группах, с поддержкой в учёбе и помощью при регистрации на экзамен.",
    category: "school_certificate",
    capacity: 15,
    place: `${WORKSHOP} (Raum 3)`,
    instructor: "workshopTeacher",
    firstWeek: 3,
    weeks: 26,
    slots: [
      { weekday: 1, from: "17:00", to: "20:00" },
      { weekday: 3, from: "17:00", to: "20:00" },
    ],
  },
];

// ───────────────────────────── events ─────────────────────────────

interface DemoEvent extends BilingualText, WeeklySlot {
  kind: EventKind;
  /**
   * Weeks from the Monday of the current week; from 1 on, so the event is always ahead. An event
   * that would fall on a closing day moves on by a week.
   */
  week: number;
  place: string;
  capacity: number | null;
  asksPartySize: boolean;
}

const QUARTER_MEETING_POINT = "Quartierstreff, Marktring 8, Belm";

const DEMO_EVENTS: readonly DemoEvent[] = [
  {
    titleDe: "Integrationsclub: Kochabend – Küche aus zwei Heimaten",
    titleRu: "Клуб интеграции: кулинарный вечер — кухня двух родин",
    descriptionDe:
      "Plow, Pelmeni, Kartoffelsalat und Butterkuchen: Wir kochen Gerichte aus den Herkunftsländern und aus Niedersachsen und essen gemeinsam. Bringen Sie gern ein Rezept aus Ihrer Familie mit! Die Zutaten stellt das Quartiersmanagement.",
    descriptionRu:
      "Плов, пельмени, картофельный салат и сладкий пирог Butterkuchen: вместе готовим блюда из родных стран и из Нижней Саксонии и садимся за общий стол. Приносите рецепт из своей семьи! Продукты предоставляет служба квартала (Quartiersmanagement).",
    kind: "club",
    week: 1,
    weekday: 4,
    from: "18:30",
    to: "21:00",
    place: QUARTER_MEETING_POINT,
    capacity: 25,
    asksPartySize: false,
  },
  {
    titleDe: "Infoabend: Anerkennung ausländischer Berufsabschlüsse",
    titleRu: "Информационный вечер: признание иностранных дипломов и квалификаций",
    descriptionDe:
      "Sie haben im Herkunftsland eine Ausbildung oder ein Studium abgeschlossen? Eine Anerkennungsberaterin aus Osnabrück erklärt, wie die Anerkennung in Deutschland abläuft, welche Unterlagen Sie brauchen und wer die Kosten übernehmen kann. Mit Übersetzung ins Russische; Fragen zu Ihrem eigenen Fall sind ausdrücklich willkommen.",
    descriptionRu:
      "Вы получили профессиональное или высшее образование на родине? Консультант по признанию дипломов из Оснабрюка расскажет, как проходит признание в Германии, какие документы понадобятся и кто может взять на себя расходы. С переводом на русский язык; вопросы о вашей личной ситуации очень приветствуются.",
    kind: "information",
    week: 2,
    weekday: 2,
    from: "18:00",
    to: "20:00",
    place: "Rathaus Belm, Sitzungssaal",
    capacity: 40,
    asksPartySize: false,
  },
  {
    titleDe: "Integrationsclub: Spieleabend für alle Generationen",
    titleRu: "Клуб интеграции: вечер настольных игр для всех поколений",
    descriptionDe:
      "Mensch ärgere dich nicht, Schach, Domino oder Uno – an diesem Abend spielen Jung und Alt, Alteingesessene und Neuzugezogene miteinander. Deutschkenntnisse sind nicht nötig, gute Laune reicht. Tee und Gebäck stehen bereit.",
    descriptionRu:
      "«Не сердись, приятель», шахматы, домино или «Уно» — в этот вечер вместе играют молодые и пожилые, старожилы и новосёлы. Знать немецкий не обязательно, достаточно хорошего настроения. Чай и выпечка — за нами.",
    kind: "club",
    week: 3,
    weekday: 4,
    from: "18:30",
    to: "21:00",
    place: QUARTER_MEETING_POINT,
    capacity: null,
    asksPartySize: false,
  },
  {
    titleDe: "Kinderzirkus Belmino: Große Vorstellung",
    titleRu: "Детский цирк «Бельмино»: большое представление",
    descriptionDe:
      "Ein halbes Jahr haben die Kinder unseres Zirkusprojekts geprobt – jetzt zeigen sie, was sie können: Akrobatik, Jonglage, Clownerie und Einradfahren. Der Eintritt ist frei, Spenden für neue Kostüme sind willkommen. Bitte geben Sie bei der Anmeldung an, mit wie vielen Personen Sie kommen.",
    descriptionRu:
      "Полгода дети из нашего циркового проекта репетировали — и теперь покажут, чему научились: акробатику, жонглирование, клоунаду и езду на моноцикле. Вход свободный, пожертвования на новые костюмы приветствуются. Пожалуйста, при записи укажите, сколько человек придёт.",
    kind: "circus",
    week: 4,
    weekday: 6,
    from: "15:00",
    to: "16:30",
    place: "Mehrzweckhalle, Am Sportplatz 2, Belm",
    capacity: 80,
    asksPartySize: true,
  },
  {
    titleDe: "Integrationsclub: Erzählcafé „Wie wir nach Belm kamen“",
    titleRu: "Клуб интеграции: кафе воспоминаний «Как мы оказались в Бельме»",
    descriptionDe:
      "Spätaussiedlerinnen und Spätaussiedler, die in den 90er-Jahren gekommen sind, Familien, die erst seit Kurzem hier wohnen, und Belmerinnen und Belmer, die schon immer hier leben, erzählen von ihrem Ankommen. Zuhören, nachfragen, sich kennenlernen – bei Kaffee und Kuchen.",
    descriptionRu:
      "Поздние переселенцы, приехавшие в 90-е годы, семьи, которые живут здесь совсем недавно, и коренные жители Бельма рассказывают, как они обживались на новом месте. Слушаем, расспрашиваем, знакомимся — за чашкой кофе с пирогом.",
    kind: "club",
    week: 5,
    weekday: 4,
    from: "18:30",
    to: "21:00",
    place: QUARTER_MEETING_POINT,
    capacity: 30,
    asksPartySize: false,
  },
];

interface DemoSeries extends BilingualText, WeeklySlot {
  kind: EventKind;
  seriesKey: string;
  occurrences: number;
  place: string;
}

const CHILDREN_DROP_IN: DemoSeries = {
  titleDe: "Offener Kindertreff",
  titleRu: "Открытый детский клуб",
  descriptionDe:
    "Jeden Mittwoch für Kinder von 6 bis 12 Jahren: spielen, basteln, toben und Hausaufgaben machen, begleitet von unseren Pädagoginnen. Kostenlos und ohne Anmeldepflicht – einfach vorbeikommen. Wer sich über den Bot anmeldet, hilft uns bei der Planung. Ein kleiner Snack ist immer dabei.",
  descriptionRu:
    "Каждую среду для детей от 6 до 12 лет: играем, мастерим, бегаем и делаем домашние задания под присмотром наших педагогов. Бесплатно, записываться не обязательно — просто приходите. Если вы запишетесь через бот, нам будет легче всё подготовить. Небольшой перекус всегда найдётся.",
  kind: "children",
  seriesKey: "demo-offener-kindertreff",
  weekday: 3,
  from: "15:00",
  to: "18:00",
  occurrences: 6,
  place: "Kindertreff im Familienzentrum, Kirchweg 5, Belm",
};

// ───────────────────────────── calendar in Europe/Berlin ─────────────────────────────

const BERLIN = "Europe/Berlin";

// Fixed public holidays in Lower Saxony and the office's Christmas break; the movable Easter
// holidays are left out, which is good enough for demo data.
const CLOSING_DAYS = new Set([
  "01-01",
  "05-01",
  "10-03",
  "10-31",
  "12-24",
  "12-25",
  "12-26",
  "12-27",
  "12-28",
  "12-29",
  "12-30",
  "12-31",
]);

function mondayOfBerlinWeek(now: Date): CalendarDay {
  const today = calendarDayOf(now, BERLIN);
  return addDays(today, 1 - isoWeekdayOf(today));
}

function dayInWeek(monday: CalendarDay, week: number, weekday: IsoWeekday): CalendarDay {
  return addDays(monday, week * 7 + weekday - 1);
}

function isClosingDay(day: CalendarDay): boolean {
  const monthDay = `${String(day.month).padStart(2, "0")}-${String(day.day).padStart(2, "0")}`;
  return CLOSING_DAYS.has(monthDay);
}

function firstOpenWeekday(day: CalendarDay): CalendarDay {
  return isClosingDay(day) ? firstOpenWeekday(addDays(day, 7)) : day;
}

function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
}

function spanOn(day: CalendarDay, slot: WeeklySlot): TimeSpan {
  return { startsAt: clockTimeOn(day, slot.from, BERLIN), endsAt: clockTimeOn(day, slot.to, BERLIN) };
}

// ───────────────────────────── creating the rows ─────────────────────────────

type PersonIds = Record<PersonRef, number>;

export async function seedDemoData(db: Db, now: Date): Promise<{ created: boolean }> {
  return db.$transaction(
    async (tx) => {
      if ((await tx.course.count()) > 0) return { created: false };
      const personIds = await createPeople(tx, now);
      const monday = mondayOfBerlinWeek(now);
      for (const course of DEMO_COURSES) await createCourse(tx, course, monday, personIds);
      await createEvents(tx, now, monday, personIds.quarterManager);
      return { created: true };
    },
    { timeout: 30_000 },
  );
}

async function createPeople(tx: Tx, now: Date): Promise<PersonIds> {
  const ids: Partial<PersonIds> = {};
  for (const person of DEMO_PEOPLE) ids[person.ref] = await upsertPerson(tx, person, now);
  const personIds = ids as PersonIds;
  for (const person of DEMO_PEOPLE) {
    const id = personIds[person.ref];
    // The manager stands for an admin bootstrapped from ADMIN_TELEGRAM_IDS, so nobody granted that role.
    const grantedById = person.ref === "quarterManager" ? null : personIds.quarterManager;
    await grantRoles(tx, person, id, grantedById);
    if ("sponsor" in person) await upsertSponsorProfile(tx, id, person.sponsor, daysBefore(now, person.joinedDaysAgo));
  }
  return personIds;
}

// Upserts, so a database whose courses were removed but whose demo people remain can be seeded again.
async function upsertPerson(tx: Tx, person: DemoPerson, now: Date): Promise<number> {
  const telegramId = BigInt(person.telegramId);
  const row = await tx.person.upsert({
    where: { telegramId },
    update: {},
    create: {
      telegramId,
      // No chat: demo people must never receive a message, and negative chat ids are real groups.
      chatId: null,
      language: person.language,
      firstName: person.firstName,
      lastName: person.lastName,
      district: person.district,
      consentAt: daysBefore(now, person.joinedDaysAgo),
    },
  });
  return row.id;
}

async function grantRoles(tx: Tx, person: DemoPerson, personId: number, grantedById: number | null) {
  for (const role of person.roles) {
    await tx.roleGrant.upsert({
      where: { personId_role: { personId, role } },
      update: {},
      create: { personId, role, grantedById },
    });
  }
}

async function upsertSponsorProfile(tx: Tx, personId: number, sponsor: DemoSponsor, joinedAt: Date) {
  const decided = sponsor.status !== "pending";
  const twoDays = 2 * 24 * 60 * 60 * 1000;
  await tx.sponsorProfile.upsert({
    where: { personId },
    update: {},
    create: {
      personId,
      languages: JSON.stringify(sponsor.languages),
      areas: JSON.stringify(sponsor.areas),
      districts: JSON.stringify(sponsor.districts),
      availability: JSON.stringify(sponsor.availability),
      maxFamilies: sponsor.maxFamilies,
      about: sponsor.about,
      shareContact: sponsor.shareContact,
      status: sponsor.status,
      decidedAt: decided ? new Date(joinedAt.getTime() + twoDays) : null,
    },
  });
}

async function createCourse(tx: Tx, course: DemoCourse, monday: CalendarDay, personIds: PersonIds) {
  const sessions = courseSessions(course, monday);
  const first = sessions[0];
  const last = sessions.at(-1);
  if (!first || !last) throw new Error(`Demo course "${course.titleDe}" has no sessions`);
  const { slots: _slots, firstWeek: _firstWeek, weeks: _weeks, instructor, ...fields } = course;
  // startsOn/endsOn are the first session's start and the last session's end, so both read as the
  // right day in Berlin and "has the course ended" holds exactly after the last session.
  const row = await tx.course.create({
    data: {
      ...fields,
      attendanceThreshold: 0.75,
      startsOn: first.startsAt,
      endsOn: last.endsAt,
      instructorId: personIds[instructor],
    },
  });
  await tx.courseSession.createMany({ data: sessions.map((session) => ({ ...session, courseId: row.id })) });
}

function courseSessions(course: DemoCourse, monday: CalendarDay): TimeSpan[] {
  const sessions: TimeSpan[] = [];
  for (let week = course.firstWeek; week < course.firstWeek + course.weeks; week++) {
    for (const slot of course.slots) {
      const day = dayInWeek(monday, week, slot.weekday);
      if (!isClosingDay(day)) sessions.push(spanOn(day, slot));
    }
  }
  return sessions;
}

async function createEvents(tx: Tx, now: Date, monday: CalendarDay, organiserId: number) {
  const singles = DEMO_EVENTS.map(({ week, weekday, from, to, ...fields }) => ({
    ...fields,
    ...spanOn(firstOpenWeekday(dayInWeek(monday, week, weekday)), { weekday, from, to }),
    organiserId,
  }));
  const { occurrences: _occurrences, weekday: _weekday, from: _from, to: _to, ...seriesFields } = CHILDREN_DROP_IN;
  const series = seriesSpans(CHILDREN_DROP_IN, now, monday).map((span) => ({
    ...seriesFields,
    ...span,
    capacity: null,
    organiserId,
  }));
  await tx.event.createMany({ data: [...singles, ...series] });
}

/** The next `occurrences` dates of the series that still lie ahead and are not closing days. */
function seriesSpans(series: DemoSeries, now: Date, monday: CalendarDay): TimeSpan[] {
  const spans: TimeSpan[] = [];
  for (let week = 0; spans.length < series.occurrences; week++) {
    const day = dayInWeek(monday, week, series.weekday);
    const span = spanOn(day, series);
    if (span.startsAt > now && !isClosingDay(day)) spans.push(span);
  }
  return spans;
}
