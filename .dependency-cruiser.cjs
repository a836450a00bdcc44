/**
 * The import rules of the code base (see ARCHITECTURE.md), checked by `npm run lint`.
 *
 * Public module of a feature: what other features may import from src/features/<x>/ —
 *   service.ts        the feature's domain functions (may re-export from its other files)
 *   keyboards.ts      buttons other features show (e.g. the main menu's entries, district labels)
 *   notifications.ts  messages other features send on the feature's behalf
 * src/features/appointments/ is not a feature but the shared domain of dated appointments
 * (course sessions, events): every file of it may be imported.
 */
const TELEGRAM = "^(node_modules/)?(grammy|@grammyjs)(/|$)";
const SERVICES = [
  "^src/features/[^/]+/service\\.ts$",
  "^src/features/[^/]+/management/service\\.ts$",
  "^src/features/.*service[^/]*\\.ts$",
  "^src/people/",
  "^src/jobs/",
];

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "No import cycles in src/, type-only imports included: a cycle means two modules are really one.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "services-without-telegram",
      comment: "Services, people/ and jobs/ are plain functions over Prisma: no grammY, no bot layer.",
      severity: "error",
      from: { path: SERVICES },
      to: { path: [TELEGRAM, "^src/bot/"] },
    },
    {
      name: "features-through-public-modules",
      comment: "A feature imports another feature only through its public module (see above).",
      severity: "error",
      from: { path: "^src/features/([^/]+)/" },
      to: {
        path: "^src/features/([^/]+)/",
        pathNot: [
          "^src/features/$1/",
          "^src/features/appointments/",
          "^src/features/[^/]+/(service|keyboards|notifications)\\.ts$",
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/generated/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
