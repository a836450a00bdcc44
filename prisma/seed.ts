import { createDb } from "../src/db.js";
import { DEFAULT_DATABASE_URL } from "../src/db-url.js";
import { seedDemoData } from "../src/demo/index.js";

// Fills the database with the demo data of the municipality; run again, it changes nothing.
const db = createDb(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
try {
  const { created } = await seedDemoData(db, new Date());
  console.log(created ? "Demo data created." : "Demo data already present, nothing changed.");
} finally {
  await db.$disconnect();
}
