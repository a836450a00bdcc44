import { type Db, type Prisma } from "./db.js";
import {
  type AttendanceStatus,
  type CourseCategory,
  type EnrollmentStatus,
  type EventKind,
  type GermanLevel,
  type Outcome,
  type Role,
  type SponsorStatus,
} from "./generated/prisma/client.js";
import type { TimeSpan, WeeklySlot } from "./features/courses/schedule.js";
import { periodContaining, shiftPeriod } from "./features/indicators/periods.js";
import type { ManualIndicator } from "./features/indicators/service.js";
import { recomputeTallies } from "./features/indicators/tallies.js";
import type { District, HelpArea, SponsorLanguage, Time } from "./features/sponsorship/service.js";
import type { Language } from "./i18n.js";
import { addDays, calendarDayOf, clockTimeOn, isoWeekdayOf, type CalendarDay, type IsoWeekday } from "./time.js";

/**
 * Demo data of the municipality: people, courses of the Integrationswerkstatt, events of the next
 * weeks and sponsors, all placed relative to `now` so the demo always looks current. Demo people
 * carry negative Telegram ids, which no real user can have, and no chat, so they never get a message.
 *
 * The demo also has a past, so /indicators has something to show: residents who took courses
 * (two of them already over) with their attendance, came to events and asked for sponsors, and
 * police figures of two quarters. The past is a fixed pattern, the same on every seed at the same `now`.
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

interface DemoResident {
  ref: string;
  telegramId: number;
  firstName: string;
  lastName: string;
  language: Language;
  /** Where the person lives (Person.district), as the sponsorship's district code. */
  district: District;
  /** Days before `now` the person gave consent, before anything they did in the demo's past. */
  joinedDaysAgo: number;
}

interface DemoPerson extends DemoResident {
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
    district: "belm",
    joinedDaysAgo: 90,
    roles: ["instructor"],
  },
  {
    ref: "workshopTeacher",
    telegramId: -1002,
    firstName: "Thomas",
    lastName: "Brinkmann",
    language: "de",
    district: "vehrte",
    joinedDaysAgo: 85,
    roles: ["instructor"],
  },
  {
    ref: "quarterManager",
    telegramId: -1003,
    firstName: "Sabine",
    lastName: "Hollmann",
    language: "de",
    district: "belm",
    joinedDaysAgo: 120,
    roles: ["manager"],
  },
  {
    ref: "sponsorErika",
    telegramId: -1004,
    firstName: "Erika",
    lastName: "Meyer",
    language: "de",
    district: "vehrte",
    joinedDaysAgo: 300,
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
    district: "belm",
    joinedDaysAgo: 230,
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
    district: "icker",
    joinedDaysAgo: 130,
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
    district: "powe",
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
    district: "haltern",
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

/** Residents who took part in the past months; grouped by the course that brought them to the bot. */
const DEMO_RESIDENTS = [
  // Berufseinstieg Lager und Logistik (over for more than six months)
  { ref: "yousef", telegramId: -2001, firstName: "Yousef", lastName: "Al-Hamdan", language: "de", district: "belm", joinedDaysAgo: 410 },
  { ref: "bilal", telegramId: -2002, firstName: "Bilal", lastName: "Haddad", language: "de", district: "belm", joinedDaysAgo: 395 },
  { ref: "maksym", telegramId: -2003, firstName: "Maksym", lastName: "Kovalenko", language: "ru", district: "haltern", joinedDaysAgo: 380 },
  { ref: "artur", telegramId: -2004, firstName: "Artur", lastName: "Reimer", language: "ru", district: "belm", joinedDaysAgo: 365 },
  { ref: "samira", telegramId: -2005, firstName: "Samira", lastName: "Nouri", language: "de", district: "icker", joinedDaysAgo: 372 },
  { ref: "dmytro", telegramId: -2006, firstName: "Dmytro", lastName: "Savchuk", language: "ru", district: "vehrte", joinedDaysAgo: 350 },
  { ref: "omar", telegramId: -2007, firstName: "Omar", lastName: "Rahimi", language: "de", district: "vehrte", joinedDaysAgo: 388 },
  { ref: "kevin", telegramId: -2008, firstName: "Kevin", lastName: "Dück", language: "de", district: "powe", joinedDaysAgo: 345 },
  { ref: "hasan", telegramId: -2009, firstName: "Hasan", lastName: "Ibrahim", language: "de", district: "belm", joinedDaysAgo: 360 },
  { ref: "anastasia", telegramId: -2010, firstName: "Anastasia", lastName: "Wolf", language: "ru", district: "belm", joinedDaysAgo: 342 },
  // Deutsch A2 – Abendkurs (over a few weeks ago)
  { ref: "olena", telegramId: -2011, firstName: "Olena", lastName: "Bondarenko", language: "ru", district: "belm", joinedDaysAgo: 300 },
  { ref: "iryna", telegramId: -2012, firstName: "Iryna", lastName: "Melnyk", language: "ru", district: "icker", joinedDaysAgo: 290 },
  { ref: "lina", telegramId: -2013, firstName: "Lina", lastName: "Haddad", language: "de", district: "belm", joinedDaysAgo: 320 },
  { ref: "rasha", telegramId: -2014, firstName: "Rasha", lastName: "Al-Khalil", language: "de", district: "belm", joinedDaysAgo: 250 },
  { ref: "svetlana", telegramId: -2015, firstName: "Svetlana", lastName: "Neufeld", language: "ru", district: "vehrte", joinedDaysAgo: 230 },
  { ref: "tetiana", telegramId: -2016, firstName: "Tetiana", lastName: "Shevchenko", language: "ru", district: "haltern", joinedDaysAgo: 285 },
  { ref: "fatima", telegramId: -2017, firstName: "Fatima", lastName: "Rahimi", language: "de", district: "vehrte", joinedDaysAgo: 310 },
  { ref: "natalja", telegramId: -2018, firstName: "Natalja", lastName: "Penner", language: "ru", district: "belm", joinedDaysAgo: 220 },
  { ref: "mahmoud", telegramId: -2019, firstName: "Mahmoud", lastName: "Saleh", language: "de", district: "belm", joinedDaysAgo: 240 },
  { ref: "oksana", telegramId: -2020, firstName: "Oksana", lastName: "Petrenko", language: "ru", district: "haltern", joinedDaysAgo: 260 },
  { ref: "ali", telegramId: -2021, firstName: "Ali", lastName: "Hosseini", language: "de", district: "powe", joinedDaysAgo: 225 },
  { ref: "valentina", telegramId: -2022, firstName: "Valentina", lastName: "Giesbrecht", language: "ru", district: "icker", joinedDaysAgo: 270 },
  // Deutsch A1 – Alltag und Beruf (running)
  { ref: "halyna", telegramId: -2023, firstName: "Halyna", lastName: "Tkachenko", language: "ru", district: "belm", joinedDaysAgo: 95 },
  { ref: "yana", telegramId: -2024, firstName: "Yana", lastName: "Kravets", language: "ru", district: "haltern", joinedDaysAgo: 70 },
  { ref: "nour", telegramId: -2025, firstName: "Nour", lastName: "Al-Hamdan", language: "de", district: "belm", joinedDaysAgo: 120 },
  { ref: "zahra", telegramId: -2026, firstName: "Zahra", lastName: "Nazari", language: "de", district: "powe", joinedDaysAgo: 110 },
  { ref: "mustafa", telegramId: -2027, firstName: "Mustafa", lastName: "Aziz", language: "de", district: "belm", joinedDaysAgo: 75 },
  { ref: "sofiia", telegramId: -2028, firstName: "Sofiia", lastName: "Lysenko", language: "ru", district: "icker", joinedDaysAgo: 64 },
  { ref: "khaled", telegramId: -2029, firstName: "Khaled", lastName: "Younes", language: "de", district: "vehrte", joinedDaysAgo: 88 },
  { ref: "viktoria", telegramId: -2030, firstName: "Viktoria", lastName: "Boiko", language: "ru", district: "belm", joinedDaysAgo: 66 },
  // Fit für die Ausbildung (running), with Ali and Mahmoud from the A2 course
  { ref: "roman", telegramId: -2031, firstName: "Roman", lastName: "Funk", language: "ru", district: "belm", joinedDaysAgo: 150 },
  { ref: "amir", telegramId: -2032, firstName: "Amir", lastName: "Haidari", language: "de", district: "belm", joinedDaysAgo: 135 },
  { ref: "denys", telegramId: -2033, firstName: "Denys", lastName: "Moroz", language: "ru", district: "haltern", joinedDaysAgo: 58 },
  { ref: "leonie", telegramId: -2034, firstName: "Leonie", lastName: "Janzen", language: "de", district: "vehrte", joinedDaysAgo: 180 },
  { ref: "jamal", telegramId: -2035, firstName: "Jamal", lastName: "Osman", language: "de", district: "belm", joinedDaysAgo: 55 },
  { ref: "sara", telegramId: -2036, firstName: "Sara", lastName: "Mansour", language: "de", district: "icker", joinedDaysAgo: 140 },
  { ref: "bohdan", telegramId: -2037, firstName: "Bohdan", lastName: "Hrytsenko", language: "ru", district: "belm", joinedDaysAgo: 62 },
] as const satisfies readonly DemoResident[];

type ResidentRef = (typeof DEMO_RESIDENTS)[number]["ref"];

// ───────────────────────────── sponsorships of the past months ─────────────────────────────

/** Only active sponsors take on families. */
type ActiveSponsorRef = Extract<(typeof DEMO_PEOPLE)[number], { sponsor: { status: "active" } }>["ref"];

interface DemoRequest {
  family: ResidentRef;
  areas: readonly HelpArea[];
  languages: readonly SponsorLanguage[];
  district: District;
  familySize: number;
  childrenAges: string;
  contactTimes: readonly Time[];
  askedDaysAgo: number;
  /** The sponsor who took the family on, days after the request, and when it ended; none while open. */
  match?: { sponsor: ActiveSponsorRef; afterDays: number; endedDaysAgo?: number };
}

/** Oldest first; at no time has a sponsor more families than their maxFamilies. */
const DEMO_REQUESTS: readonly DemoRequest[] = [
  {
    family: "lina",
    areas: ["authorities", "homework"],
    languages: ["de", "other"],
    district: "belm",
    familySize: 5,
    childrenAges: "7, 10, 13",
    contactTimes: ["weekday"],
    askedDaysAgo: 280,
    match: { sponsor: "sponsorErika", afterDays: 8, endedDaysAgo: 130 },
  },
  {
    family: "oksana",
    areas: ["jobs", "housing"],
    languages: ["uk", "ru"],
    district: "haltern",
    familySize: 3,
    childrenAges: "4, 9",
    contactTimes: ["evening"],
    askedDaysAgo: 200,
    match: { sponsor: "sponsorViktor", afterDays: 7 },
  },
  {
    family: "fatima",
    areas: ["authorities", "homework"],
    languages: ["de", "other"],
    district: "vehrte",
    familySize: 6,
    childrenAges: "6, 8, 11, 15",
    contactTimes: ["weekday"],
    askedDaysAgo: 150,
    match: { sponsor: "sponsorErika", afterDays: 11 },
  },
  {
    family: "iryna",
    areas: ["language", "homework", "leisure"],
    languages: ["uk", "ru"],
    district: "icker",
    familySize: 2,
    childrenAges: "8",
    contactTimes: ["weekday", "evening"],
    askedDaysAgo: 100,
    match: { sponsor: "sponsorOlga", afterDays: 5 },
  },
  {
    family: "rasha",
    areas: ["authorities", "homework"],
    languages: ["de", "other"],
    district: "belm",
    familySize: 4,
    childrenAges: "3, 5",
    contactTimes: ["weekday"],
    askedDaysAgo: 62,
    match: { sponsor: "sponsorErika", afterDays: 14 },
  },
  // Still open: the sponsors who fit had no free place; Jürgen, new since, would.
  {
    family: "zahra",
    areas: ["jobs", "leisure"],
    languages: ["de", "other"],
    district: "powe",
    familySize: 3,
    childrenAges: "1",
    contactTimes: ["weekend"],
    askedDaysAgo: 34,
  },
];

// ───────────────────────────── figures from outside the bot ─────────────────────────────

const OFFENCES: ManualIndicator = "offences";
const OFFENCES_SOURCE = "Polizeiinspektion Osnabrück (Beispielwert)";

/** Offences recorded in Belm per quarter, a year apart so /indicators can compare them. */
const DEMO_OFFENCES = [
  { quartersAgo: 1, value: 212 },
  { quartersAgo: 5, value: 251 },
] as const;

// ───────────────────────────── courses ─────────────────────────────

/** A resident in a course of the demo's past or present, with how they came. */
interface DemoParticipant {
  who: ResidentRef;
  /** Share of the sessions the person came to, spread evenly over the course. */
  presence: number;
  /** Share of the course after which the person stayed away for good. */
  stopsAfter?: number;
  /** Level named at sign-up (language courses). */
  level?: GermanLevel;
  /**
   * Vocational courses: where the person went on to when leaving, and six months later (known only
   * for a course over for more than six months).
   */
  outcome?: Outcome;
  outcomeAfter6m?: Outcome;
}

interface DemoCourse extends BilingualText {
  category: CourseCategory;
  capacity: number;
  place: string;
  instructor: PersonRef;
  /**
   * Weeks from the Monday of the current week; negative means the course is already running, or
   * is already over when `firstWeek + weeks` is not above 0.
   */
  firstWeek: number;
  weeks: number;
  slots: readonly WeeklySlot[];
  /** Fewer than the seats in a course still open, so whoever tries the demo can sign up. */
  participants?: readonly DemoParticipant[];
}

const ATTENDANCE_THRESHOLD = 0.75;

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
    participants: [
      { who: "halyna", presence: 0.9, level: "A0" },
      { who: "yana", presence: 0.85, level: "A0" },
      { who: "nour", presence: 0.95, level: "A1" },
      { who: "zahra", presence: 0.8, level: "A0" },
      { who: "mustafa", presence: 0.75, level: "A1" },
      { who: "sofiia", presence: 0.9, level: "A0" },
      { who: "khaled", presence: 0.7, level: "A0" },
      { who: "viktoria", presence: 0.85, level: "A1" },
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
    participants: [
      { who: "ali", presence: 0.9 },
      { who: "mahmoud", presence: 0.85 },
      { who: "roman", presence: 0.8 },
      { who: "amir", presence: 0.92 },
      { who: "denys", presence: 0.75 },
      { who: "leonie", presence: 0.95 },
      { who: "jamal", presence: 0.7 },
      { who: "sara", presence: 0.88 },
      { who: "bohdan", presence: 0.82 },
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
  // Over already: their cohorts give the completion and placement figures. The vocational one ended
  // more than six months ago, so its six-month outcomes are known.
  {
    titleDe: "Berufseinstieg Lager und Logistik",
    titleRu: "Старт в профессии: склад и логистика",
    descriptionDe:
      "Vierzehn Wochen Praxis und Theorie rund um Lager, Versand und Logistik – einen der großen Arbeitsbereiche im Osnabrücker Land. Mit Staplerschein, Betriebsbesichtigungen, Bewerbungstraining und Kontakten zu Betrieben, die Arbeitskräfte und Auszubildende suchen.",
    descriptionRu:
      "Четырнадцать недель практики и теории о работе склада, отгрузке и логистике — одной из крупнейших отраслей в районе Оснабрюка. С удостоверением водителя погрузчика, экскурсиями на предприятия, тренингом по составлению резюме и контактами с фирмами, которые ищут работников и учеников.",
    category: "vocational",
    capacity: 12,
    place: `${WORKSHOP} (Werkraum)`,
    instructor: "workshopTeacher",
    firstWeek: -42,
    weeks: 14,
    slots: [
      { weekday: 1, from: "09:00", to: "13:00" },
      { weekday: 3, from: "09:00", to: "13:00" },
    ],
    participants: [
      { who: "yousef", presence: 0.93, outcome: "apprenticeship", outcomeAfter6m: "apprenticeship" },
      { who: "bilal", presence: 0.86, outcome: "employment", outcomeAfter6m: "employment" },
      { who: "maksym", presence: 0.9, outcome: "apprenticeship", outcomeAfter6m: "apprenticeship" },
      { who: "artur", presence: 0.8, outcome: "further_schooling", outcomeAfter6m: "apprenticeship" },
      { who: "samira", presence: 0.89, outcome: "apprenticeship", outcomeAfter6m: "apprenticeship" },
      { who: "dmytro", presence: 0.82, outcome: "none_yet", outcomeAfter6m: "employment" },
      { who: "omar", presence: 0.85, outcome: "employment", outcomeAfter6m: "employment" },
      // Left halfway for a job in a warehouse.
      { who: "kevin", presence: 0.85, stopsAfter: 0.45, outcome: "employment", outcomeAfter6m: "employment" },
      { who: "hasan", presence: 0.7, stopsAfter: 0.3, outcome: "none_yet", outcomeAfter6m: "none_yet" },
      { who: "anastasia", presence: 0.79, outcome: "none_yet", outcomeAfter6m: "further_schooling" },
    ],
  },
  {
    titleDe: "Deutsch A2 – Abendkurs",
    titleRu: "Немецкий A2 — вечерний курс",
    descriptionDe:
      "Für alle, die schon erste Deutschkenntnisse haben und neben Arbeit oder Familie weiterlernen möchten: Wir erweitern den Wortschatz für Alltag, Behörden und Arbeit, üben Telefonate und Formulare und bereiten den Übergang in den B1-Kurs vor.",
    descriptionRu:
      "Для тех, у кого уже есть первые знания немецкого и кто хочет учиться дальше, совмещая учёбу с работой или семьёй: расширяем словарный запас для быта, учреждений и работы, тренируем телефонные разговоры и заполнение анкет и готовимся к переходу на курс B1.",
    category: "language",
    capacity: 16,
    place: `${WORKSHOP} (Raum 2)`,
    instructor: "germanTeacher",
    firstWeek: -24,
    weeks: 20,
    slots: [
      { weekday: 2, from: "18:00", to: "20:30" },
      { weekday: 4, from: "18:00", to: "20:30" },
    ],
    participants: [
      { who: "olena", presence: 0.95, level: "A2" },
      { who: "iryna", presence: 0.85, level: "A1" },
      { who: "lina", presence: 0.88, level: "A1" },
      { who: "rasha", presence: 0.92, level: "A2" },
      { who: "svetlana", presence: 0.9, level: "A2" },
      { who: "tetiana", presence: 0.93, level: "A1" },
      // Just short of the threshold.
      { who: "fatima", presence: 0.72, level: "A1" },
      { who: "natalja", presence: 0.84, level: "A2" },
      { who: "mahmoud", presence: 0.87, level: "A1" },
      { who: "oksana", presence: 0.62, level: "A1" },
      { who: "ali", presence: 0.83, level: "A1" },
      { who: "valentina", presence: 0.8, stopsAfter: 0.5, level: "A1" },
    ],
  },
];

// ───────────────────────────── events ─────────────────────────────

interface DemoEvent extends BilingualText, WeeklySlot {
  kind: EventKind;
  /**
   * Weeks from the Monday of the current week: from 1 on for events ahead, up to -1 for past ones.
   * An event that would fall on a closing day moves a week further away from today.
   */
  week: number;
  place: string;
  capacity: number | null;
  asksPartySize: boolean;
}

const QUARTER_MEETING_POINT = "Quartierstreff, Marktring 8, Belm";
const TOWN_HALL = "Rathaus Belm, Sitzungssaal";

const COOKING_EVENING: DemoEvent = {
  titleDe: "Integrationsclub: Kochabend – Küche aus zwei Heimaten",
  titleRu: "Клуб интеграции: кулинарный вечер — кухня двух родин",
  descriptionDe:
    "Plow, Pelmeni, Kartoffelsalat und Butterkuchen: Wir kochen Gerichte aus den Herkunftsländern und aus Niedersachsen und essen gemeinsam. Bringen Sie gern ein Rezept aus Ihrer Familie mit! Die Zutaten stellt das Quartiersmanagement.",
  descriptionRu:
    "Плов, пельмени, картофельный салат и сладкий пирог Butterkuchen: вместе готовим блюда из родных стран и из Нижней Саксонии и садимся за общий стол. Приносите рецепт из своей семьи! Продукты предоставляет бюро Quartiersmanagement.",
  kind: "club",
  week: 1,
  weekday: 4,
  from: "18:30",
  to: "21:00",
  place: QUARTER_MEETING_POINT,
  capacity: 25,
  asksPartySize: false,
};

const RECOGNITION_EVENING: DemoEvent = {
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
  place: TOWN_HALL,
  capacity: 40,
  asksPartySize: false,
};

const GAMES_EVENING: DemoEvent = {
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
};

const CIRCUS_SHOW: DemoEvent = {
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
};

const STORY_CAFE: DemoEvent = {
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
};

const DEMO_EVENTS: readonly DemoEvent[] = [COOKING_EVENING, RECOGNITION_EVENING, GAMES_EVENING, CIRCUS_SHOW, STORY_CAFE];

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

/** Who came to a past event. */
interface Turnout {
  /** Residents signed up ("going"). */
  going: number;
  /** Of those, how many checked in; 0 where nobody took check-ins that day. */
  checkedIn: number;
  /** People counted at the door without a sign-up. */
  walkIns: number;
}

interface PastDemoEvent extends DemoEvent {
  turnout: Turnout;
}

/** The events of the past months, oldest first: the club formats again and a few of their own. */
const DEMO_PAST_EVENTS: readonly PastDemoEvent[] = [
  {
    titleDe: "Infoabend: Ausbildung in Deutschland – wie geht das?",
    titleRu: "Информационный вечер: профессиональное обучение в Германии — как это устроено?",
    descriptionDe:
      "Was ist eine duale Ausbildung, wie viel verdient man dabei und wie findet man einen Ausbildungsplatz? Eine Beraterin der Agentur für Arbeit Osnabrück und zwei Auszubildende aus Belmer Betrieben erzählen und beantworten Fragen. Mit Übersetzung ins Russische und ins Arabische.",
    descriptionRu:
      "Что такое дуальное профессиональное обучение, сколько при этом платят и как найти место? Консультант агентства по труду из Оснабрюка и двое учеников с предприятий Бельма расскажут о своём опыте и ответят на вопросы. С переводом на русский и арабский языки.",
    kind: "information",
    week: -38,
    weekday: 2,
    from: "18:00",
    to: "20:00",
    place: TOWN_HALL,
    capacity: 40,
    asksPartySize: false,
    turnout: { going: 14, checkedIn: 11, walkIns: 5 },
  },
  { ...COOKING_EVENING, week: -34, turnout: { going: 14, checkedIn: 12, walkIns: 3 } },
  { ...CIRCUS_SHOW, week: -30, turnout: { going: 12, checkedIn: 10, walkIns: 18 } },
  { ...GAMES_EVENING, week: -26, turnout: { going: 11, checkedIn: 9, walkIns: 6 } },
  {
    titleDe: "Nachbarschaftsfest: Belm feiert zusammen",
    titleRu: "Соседский праздник: Бельм празднует вместе",
    descriptionDe:
      "Musik, Spiele für Kinder, ein Flohmarkt und ein Buffet mit Gerichten aus aller Welt: Nachbarinnen und Nachbarn aus Belm und aus vielen Herkunftsländern feiern gemeinsam. Vereine und Beratungsstellen stellen sich vor. Bitte geben Sie bei der Anmeldung an, mit wie vielen Personen Sie kommen.",
    descriptionRu:
      "Музыка, игры для детей, блошиный рынок и шведский стол с блюдами со всего мира: соседи из Бельма и из многих других стран празднуют вместе. Свою работу представят клубы и консультационные службы. Пожалуйста, при записи укажите, сколько человек придёт.",
    kind: "other",
    week: -21,
    weekday: 6,
    from: "14:00",
    to: "18:00",
    place: "Mehrzweckhalle, Am Sportplatz 2, Belm",
    capacity: null,
    asksPartySize: true,
    // In the crowd nobody took check-ins: the figures show the sign-ups, not zero people.
    turnout: { going: 19, checkedIn: 0, walkIns: 0 },
  },
  { ...STORY_CAFE, week: -17, turnout: { going: 15, checkedIn: 13, walkIns: 4 } },
  { ...RECOGNITION_EVENING, week: -13, turnout: { going: 20, checkedIn: 16, walkIns: 7 } },
  { ...COOKING_EVENING, week: -9, turnout: { going: 18, checkedIn: 16, walkIns: 2 } },
  {
    titleDe: "Infoabend: Wohnung finden, Wohngeld beantragen",
    titleRu: "Информационный вечер: как найти квартиру и получить жилищное пособие",
    descriptionDe:
      "Wie finde ich eine Wohnung im Osnabrücker Land, was steht im Mietvertrag und wer hat Anspruch auf Wohngeld? Die Wohngeldstelle der Gemeinde Belm und der Mieterverein erklären Schritt für Schritt, was zu tun ist, und helfen beim Ausfüllen der Anträge. Mit Übersetzung ins Russische.",
    descriptionRu:
      "Как найти квартиру в районе Оснабрюка, что написано в договоре аренды и кому положено жилищное пособие (Wohngeld)? Сотрудники отдела жилищных пособий общины Бельм и союза арендаторов шаг за шагом объяснят, что нужно делать, и помогут заполнить заявления. С переводом на русский язык.",
    kind: "information",
    week: -6,
    weekday: 2,
    from: "18:00",
    to: "20:00",
    place: TOWN_HALL,
    capacity: 40,
    asksPartySize: false,
    turnout: { going: 17, checkedIn: 14, walkIns: 3 },
  },
  { ...GAMES_EVENING, week: -3, turnout: { going: 13, checkedIn: 12, walkIns: 5 } },
];

/** Weeks of the children's drop-in already held: half a year, so every month of it has visitors. */
const PAST_DROP_INS = 26;

/** Most children just come by; a few parents sign up in the bot. */
function dropInTurnout(occurrence: number): Turnout {
  const going = 2 + (occurrence % 3);
  return { going, checkedIn: going - (occurrence % 2), walkIns: 8 + ((occurrence * 5) % 7) };
}

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

/** The day, or the same weekday `step` days on (7) or back (-7) until the office is open. */
function firstOpenWeekday(day: CalendarDay, step: 7 | -7 = 7): CalendarDay {
  return isClosingDay(day) ? firstOpenWeekday(addDays(day, step), step) : day;
}

function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
}

function minutesAfter(instant: Date, minutes: number): Date {
  return new Date(instant.getTime() + minutes * 60_000);
}

function spanOn(day: CalendarDay, slot: WeeklySlot): TimeSpan {
  return { startsAt: clockTimeOn(day, slot.from, BERLIN), endsAt: clockTimeOn(day, slot.to, BERLIN) };
}

// ───────────────────────────── creating the rows ─────────────────────────────

type PersonIds = Record<PersonRef, number>;

interface SeededResident {
  id: number;
  fullName: string;
  consentAt: Date;
}

type Residents = Record<ResidentRef, SeededResident>;

/** Where the demo stands: its clock and the people it made. */
interface Demo {
  now: Date;
  monday: CalendarDay;
  staff: PersonIds;
  residents: Residents;
}

export async function seedDemoData(db: Db, now: Date): Promise<{ created: boolean }> {
  const result = await db.$transaction(
    async (tx) => {
      if ((await tx.course.count()) > 0) return { created: false };
      const monday = mondayOfBerlinWeek(now);
      const demo: Demo = { now, monday, staff: await createPeople(tx, now), residents: await createResidents(tx, now) };
      for (const course of DEMO_COURSES) await createCourse(tx, course, demo);
      await createEvents(tx, demo);
      await createPastEvents(tx, demo);
      await createSponsorshipHistory(tx, demo);
      await recordOffences(tx, demo);
      return { created: true };
    },
    { timeout: 30_000 },
  );
  // /indicators shows stored figures; without this the demo's past would appear only after the nightly job.
  if (result.created) await recomputeTallies(db, now, BERLIN);
  return result;
}

async function createPeople(tx: Tx, now: Date): Promise<PersonIds> {
  const ids: Partial<PersonIds> = {};
  for (const person of DEMO_PEOPLE) ids[person.ref] = (await upsertPerson(tx, person, now)).id;
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

async function createResidents(tx: Tx, now: Date): Promise<Residents> {
  const residents: Partial<Residents> = {};
  for (const resident of DEMO_RESIDENTS) {
    const row = await upsertPerson(tx, resident, now);
    const consentAt = row.consentAt ?? daysBefore(now, resident.joinedDaysAgo);
    residents[resident.ref] = { id: row.id, fullName: `${resident.firstName} ${resident.lastName}`, consentAt };
  }
  return residents as Residents;
}

// Upserts, so a database whose courses were removed but whose demo people remain can be seeded again.
async function upsertPerson(tx: Tx, person: DemoResident, now: Date) {
  const telegramId = BigInt(person.telegramId);
  return tx.person.upsert({
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

async function createCourse(tx: Tx, course: DemoCourse, demo: Demo) {
  const sessions = courseSessions(course, demo.monday);
  const first = sessions[0];
  const last = sessions.at(-1);
  if (!first || !last) throw new Error(`Demo course "${course.titleDe}" has no sessions`);
  const { slots: _slots, firstWeek: _firstWeek, weeks: _weeks, participants = [], instructor, ...fields } = course;
  const instructorId = demo.staff[instructor];
  // startsOn/endsOn are the first session's start and the last session's end, so both read as the
  // right day in Berlin and "has the course ended" holds exactly after the last session.
  const row = await tx.course.create({
    data: {
      ...fields,
      attendanceThreshold: ATTENDANCE_THRESHOLD,
      startsOn: first.startsAt,
      endsOn: last.endsAt,
      instructorId,
    },
  });
  // The instructor took attendance early in every session that is over, where there were people to mark.
  const taken = (session: TimeSpan) => participants.length > 0 && session.endsAt <= demo.now;
  await tx.courseSession.createMany({
    data: sessions.map((session) => ({
      ...session,
      courseId: row.id,
      attendanceTakenAt: taken(session) ? attendanceTakenAt(session) : null,
    })),
  });
  if (participants.length === 0) return;
  const run = { id: row.id, instructorId, startsAt: first.startsAt, endsAt: last.endsAt, sessionCount: sessions.length };
  await enrollParticipants(tx, run, participants, demo);
}

function attendanceTakenAt(session: TimeSpan): Date {
  return minutesAfter(session.startsAt, 15);
}

interface CourseRun {
  id: number;
  instructorId: number;
  startsAt: Date;
  endsAt: Date;
  sessionCount: number;
}

/**
 * Enrolls the participants with their attendance in the sessions held so far. In a course that is
 * over, each has been closed the way the nightly closing does it: completed with at least the
 * threshold's share of present marks, dropped otherwise.
 */
async function enrollParticipants(tx: Tx, run: CourseRun, participants: readonly DemoParticipant[], demo: Demo) {
  const held = await tx.courseSession.findMany({
    where: { courseId: run.id, attendanceTakenAt: { not: null } },
    orderBy: { startsAt: "asc" },
  });
  const attendance: Prisma.AttendanceCreateManyInput[] = [];
  for (const [index, participant] of participants.entries()) {
    const marks = held.map((session, at) => ({ session, status: markOf(participant, index, at, run.sessionCount) }));
    const statuses = marks.map((mark) => mark.status);
    const { id: enrollmentId } = await tx.enrollment.create({
      data: enrollmentOf(participant, index, statuses, run, demo),
      select: { id: true },
    });
    for (const { session, status } of marks) {
      attendance.push({ sessionId: session.id, enrollmentId, status, markedById: run.instructorId, markedAt: attendanceTakenAt(session) });
    }
  }
  await tx.attendance.createMany({ data: attendance });
}

/** Present marks spread evenly, each person in their own rhythm; who stopped coming is absent from then on. */
function markOf(participant: DemoParticipant, index: number, nth: number, sessionCount: number): AttendanceStatus {
  if (participant.stopsAfter !== undefined && nth >= participant.stopsAfter * sessionCount) return "absent";
  const phase = (index * 0.37) % 1;
  const { presence } = participant;
  if (Math.floor((nth + 1) * presence + phase) > Math.floor(nth * presence + phase)) return "present";
  return (nth + index) % 3 === 0 ? "excused" : "absent";
}

function enrollmentOf(
  participant: DemoParticipant,
  index: number,
  marks: readonly AttendanceStatus[],
  run: CourseRun,
  demo: Demo,
): Prisma.EnrollmentUncheckedCreateInput {
  const resident = demo.residents[participant.who];
  // Signed up one after the other in the weeks before the start (or before today, for a later start).
  const signedUpAt = daysBefore(run.startsAt < demo.now ? run.startsAt : demo.now, 3 + 2 * index);
  const over = run.endsAt <= demo.now;
  return {
    courseId: run.id,
    personId: resident.id,
    status: over ? closingStatus(marks) : "active",
    requestedAt: signedUpAt,
    enrolledAt: signedUpAt,
    endedAt: over ? nightlyClosingAfter(run.endsAt) : null,
    statusSetByHand: false,
    fullName: resident.fullName,
    germanLevel: participant.level ?? null,
    outcomeAtLeaving: over ? (participant.outcome ?? null) : null,
    outcomeAfter6m: over ? (participant.outcomeAfter6m ?? null) : null,
  };
}

function closingStatus(marks: readonly AttendanceStatus[]): EnrollmentStatus {
  const present = marks.filter((mark) => mark === "present").length;
  return marks.length > 0 && present / marks.length >= ATTENDANCE_THRESHOLD ? "completed" : "dropped";
}

/** The nightly job closes ended courses at 01:30 Berlin time. */
function nightlyClosingAfter(lastEnd: Date): Date {
  return clockTimeOn(addDays(calendarDayOf(lastEnd, BERLIN), 1), "01:30", BERLIN);
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

async function createEvents(tx: Tx, demo: Demo) {
  const organiserId = demo.staff.quarterManager;
  const singles = DEMO_EVENTS.map((event) => singleEvent(event, demo.monday, organiserId));
  const ahead = (span: TimeSpan) => span.startsAt > demo.now;
  const series = seriesSpans(CHILDREN_DROP_IN, demo.monday, CHILDREN_DROP_IN.occurrences, ahead).map((span) =>
    dropIn(span, organiserId),
  );
  await tx.event.createMany({ data: [...singles, ...series] });
}

function singleEvent({ week, weekday, from, to, ...fields }: DemoEvent, monday: CalendarDay, organiserId: number) {
  const day = firstOpenWeekday(dayInWeek(monday, week, weekday), week < 0 ? -7 : 7);
  return { ...fields, ...spanOn(day, { weekday, from, to }), organiserId };
}

function dropIn(span: TimeSpan, organiserId: number) {
  const { occurrences: _occurrences, weekday: _weekday, from: _from, to: _to, ...fields } = CHILDREN_DROP_IN;
  return { ...fields, ...span, capacity: null, organiserId };
}

/**
 * `count` dates of the series that `fits` accepts and are not closing days, oldest first, found week by
 * week from the current one on (step 1) or back (step -1).
 */
function seriesSpans(series: WeeklySlot, monday: CalendarDay, count: number, fits: (span: TimeSpan) => boolean, step: 1 | -1 = 1): TimeSpan[] {
  const spans: TimeSpan[] = [];
  for (let week = 0; spans.length < count; week += step) {
    const day = dayInWeek(monday, week, series.weekday);
    const span = spanOn(day, series);
    if (fits(span) && !isClosingDay(day)) spans.push(span);
  }
  return step === 1 ? spans : spans.reverse();
}

/** Past events with their sign-ups, check-ins and walk-ins; each closed by the organiser after its end if anyone was counted. */
async function createPastEvents(tx: Tx, demo: Demo) {
  const organiserId = demo.staff.quarterManager;
  const over = (span: TimeSpan) => span.endsAt <= demo.now;
  const events = [
    ...DEMO_PAST_EVENTS.map(({ turnout, ...event }) => ({ row: singleEvent(event, demo.monday, organiserId), turnout })),
    ...seriesSpans(CHILDREN_DROP_IN, demo.monday, PAST_DROP_INS, over, -1).map((span, occurrence) => ({
      row: dropIn(span, organiserId),
      turnout: dropInTurnout(occurrence),
    })),
  ];
  const residents: readonly SeededResident[] = Object.values(demo.residents);
  const walkIns: Prisma.EventWalkInCreateManyInput[] = [];
  for (const [index, { row, turnout }] of events.entries()) {
    const counted = turnout.checkedIn + turnout.walkIns > 0;
    const event = await tx.event.create({ data: { ...row, attendanceClosedAt: counted ? minutesAfter(row.endsAt, 20) : null } });
    await tx.rsvp.createMany({ data: signUps(event, turnout, residents, 7 * index) });
    if (turnout.walkIns > 0) {
      walkIns.push({ eventId: event.id, count: turnout.walkIns, recordedById: organiserId, createdAt: minutesAfter(event.startsAt, 45) });
    }
  }
  await tx.eventWalkIn.createMany({ data: walkIns });
}

/** Sign-ups come in up to this many days before an event. */
const SIGN_UP_DAYS = 9;

/**
 * The residents going to a past event, taken in turn from those who had joined by then; most
 * checked in with the code at the door, the organiser checked in every fourth from the list.
 */
function signUps(
  event: { id: number; startsAt: Date; asksPartySize: boolean; organiserId: number | null },
  turnout: Turnout,
  residents: readonly SeededResident[],
  turn: number,
): Prisma.RsvpCreateManyInput[] {
  const known = residents.filter((resident) => resident.consentAt < daysBefore(event.startsAt, SIGN_UP_DAYS));
  const first = turn % Math.max(known.length, 1);
  const going = [...known.slice(first), ...known.slice(0, first)].slice(0, turnout.going);
  return going.map((resident, index) => {
    const checkedIn = index < turnout.checkedIn;
    return {
      eventId: event.id,
      personId: resident.id,
      status: "going",
      partySize: event.asksPartySize ? 1 + ((index * 3) % 4) : 1,
      requestedAt: daysBefore(event.startsAt, 1 + (index % (SIGN_UP_DAYS - 1))),
      checkedInAt: checkedIn ? minutesAfter(event.startsAt, (index % 5) * 4) : null,
      checkedInById: checkedIn ? (index % 4 === 3 ? event.organiserId : resident.id) : null,
    };
  });
}

async function createSponsorshipHistory(tx: Tx, demo: Demo) {
  const families = DEMO_REQUESTS.map((request) => demo.residents[request.family].id);
  // Once only: a database whose courses were removed still has the demo families' requests.
  if ((await tx.sponsorshipRequest.count({ where: { personId: { in: families } } })) > 0) return;
  for (const request of DEMO_REQUESTS) await createRequest(tx, request, demo);
}

/** A request as the bot leaves it: matched while its sponsorship runs, closed once the sponsor ended it. */
async function createRequest(tx: Tx, request: DemoRequest, demo: Demo) {
  const { family, areas, languages, contactTimes, askedDaysAgo, match, ...fields } = request;
  const matchedAt = match ? daysBefore(demo.now, askedDaysAgo - match.afterDays) : null;
  const endedAt = match?.endedDaysAgo === undefined ? null : daysBefore(demo.now, match.endedDaysAgo);
  const row = await tx.sponsorshipRequest.create({
    data: {
      ...fields,
      personId: demo.residents[family].id,
      areas: JSON.stringify(areas),
      languages: JSON.stringify(languages),
      contactTimes: JSON.stringify(contactTimes),
      status: matchedAt === null ? "open" : endedAt ? "closed" : "matched",
      createdAt: daysBefore(demo.now, askedDaysAgo),
      matchedAt,
      closedAt: endedAt,
    },
  });
  if (!match || !matchedAt) return;
  const sponsor = await tx.sponsorProfile.findUniqueOrThrow({ where: { personId: demo.staff[match.sponsor] } });
  await tx.sponsorship.create({
    data: {
      requestId: row.id,
      sponsorId: sponsor.id,
      status: endedAt ? "ended" : "active",
      proposedAt: daysBefore(matchedAt, 1),
      respondedAt: matchedAt,
      startedAt: matchedAt,
      endedAt,
      endReason: endedAt ? "ended_by_sponsor" : null,
    },
  });
}

async function recordOffences(tx: Tx, demo: Demo) {
  const quarter = periodContaining("quarter", demo.now, BERLIN);
  for (const { quartersAgo, value } of DEMO_OFFENCES) {
    const key = { indicator: OFFENCES, periodKind: "quarter" as const, periodStart: shiftPeriod(quarter, -quartersAgo, BERLIN).start };
    // Upserted and left as found: a value a manager entered for that quarter wins.
    await tx.manualIndicatorValue.upsert({
      where: { indicator_periodKind_periodStart: key },
      update: {},
      create: { ...key, value, source: OFFENCES_SOURCE, enteredById: demo.staff.quarterManager },
    });
  }
}
