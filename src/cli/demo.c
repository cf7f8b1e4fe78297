/*
 * demo.c - `confidant demo`: fill a practice with realistic synthetic data
 * (clinicians, clients, weekly appointments, progress notes) for trying it
 * out and for benchmarks. Every person here is invented from word lists;
 * the generator is seeded, so a size and seed always give the same practice.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/mem.h"
#include "domain/domain.h"

#define DEMO_SLOTS 40 /* weekly appointment slots of a demo clinician: 8 a day, 5 days */

static const char usage[] =
        "usage: confidant demo --data DIR [options]\n"
        "\n"
        "Add synthetic clinicians, clients, appointments and notes to the\n"
        "practice in DIR. All names and notes are invented.\n"
        "\n"
        "options:\n"
        "  --data DIR           the practice's data directory (required)\n"
        "  --keyfile FILE       unlock with this key file\n"
        "  --size SIZE          small (3 clinicians, 40 clients; the default),\n"
        "                       medium (10, 1,000, 50,000 appointments), or large\n"
        "                       (50, 20,000, 1,000,000 appointments, 500,000 notes)\n"
        "  --clinicians N  --clients N  --appointments N  --notes N\n"
        "                       override one figure of the size\n"
        "  --seed N             random seed (default 1)\n";

static const char *const given[] = {
        "Amara",   "Ben",    "Chloe",  "Dmitri",  "Elena", "Farid",     "Grace", "Hiro",
        "Isla",    "Jonas",  "Keira",  "Luis",    "Maya",  "Niamh",     "Omar",  "Priya",
        "Quinn",   "Rosa",   "Samir",  "Tess",    "Uma",   "Victor",    "Wen",   "Ximena",
        "Yusuf",   "Zoe",    "Aiden",  "Beatriz", "Caleb", "Daria",     "Emeka", "Freya",
        "Gabriel", "Hana",   "Ivan",   "Jade",    "Kofi",  "Lena",      "Mateo", "Nora",
        "Oskar",   "Paloma", "Rafael", "Sofia",   "Tomas", "Valentina", "Will",  "Yara",
};
static const char *const family[] = {
        "Abbott",    "Bergstrom", "Castillo",  "Dubois",    "Eriksen",   "Fitzgerald", "Garcia",
        "Haddad",    "Ivanova",   "Johansson", "Kowalski",  "Lindqvist", "Mbeki",      "Nakamura",
        "O'Connell", "Petrov",    "Quintero",  "Rasmussen", "Schmidt",   "Tanaka",     "Underwood",
        "Varga",     "Whitfield", "Xu",        "Yilmaz",    "Zielinski", "Achebe",     "Brennan",
        "Chowdhury", "Delacroix", "Esposito",  "Fernandes", "Gallagher", "Horvath",    "Iqbal",
        "Jensen",    "Kim",       "Lopez",     "Moreau",    "Novak",     "Okafor",     "Park",
        "Reyes",     "Santos",    "Thompson",
};
static const char *const pronouns[] = {"she/her", "he/him", "they/them", NULL};
static const char *const streets[] = {
        "Maple Avenue",  "Harbour Road", "Elm Street",   "Station Lane", "Mill Close",
        "Church Street", "Willow Way",   "Park Terrace", "Queen's Road", "Orchard Row",
};
static const char *const themes[] = {
        "work stress and sleep",         "grief after a parent's death",
        "panic attacks on transit",      "low mood through the winter",
        "conflict with a partner",       "social anxiety at university",
        "returning to work after leave", "intrusive memories of an accident",
        "drinking more than intended",   "perfectionism and burnout",
};
static const char *const interventions[] = {
        "cognitive restructuring of catastrophic predictions",
        "behavioural activation planning for the week",
        "paced breathing and grounding practice",
        "values clarification exercise",
        "graded exposure hierarchy, steps 2-3",
        "sleep hygiene review and stimulus control",
        "motivational interviewing around change goals",
        "problem-solving for a current stressor",
};
static const char *const responses[] = {
        "engaged well and completed the homework",
        "tearful at times but able to reflect",
        "reported small improvements since last session",
        "found the exercise difficult and wants to try again",
        "described a setback mid-week and how it was handled",
};

/* xorshift64* - reproducible synthetic data; not for anything secret. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}
#define PICK(a) ((a)[rnd() % (sizeof(a) / sizeof((a)[0]))])

struct demo_size {
	long clinicians;   /* staff with the clinician role */
	long clients;      /* client records */
	long appointments; /* appointments across all clients */
	long notes;        /* progress notes (on past appointments) */
};

static int parse_count(const char *s, long *out)
{
	char *end;
	long v;

	if (s == NULL)
		return 1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > 100000000)
		return 0;
	*out = v;
	return 1;
}

/* batch - commit every n rows so memory and WAL stay bounded. */
static enum err batch(struct store *s, long i, long n)
{
	enum err e;

	if (i == 0 || i % n != 0)
		return ERR_OK;
	e = store_commit(s);
	return e == ERR_OK ? store_begin(s) : e;
}

static enum err make_note(struct buf *b, const char *theme)
{
	buf_reset(b);
	return buf_printf(b,
	                  "S: Client reports ongoing %s; rates mood %d/10 this week and sleep %s.\n"
	                  "O: Appeared %s, speech normal in rate and volume, affect %s. "
	                  "No evidence of psychosis.\n"
	                  "A: Working on %s. Client %s. Risk: denies suicidal ideation, "
	                  "intent or plan; protective factors reviewed.\n"
	                  "P: Continue weekly sessions; homework: %s. Review PHQ-9 next time.",
	                  theme, (int)(rnd() % 6) + 3, (rnd() & 1) ? "improving" : "still broken",
	                  (rnd() & 1) ? "well groomed and alert" : "tired but engaged",
	                  (rnd() & 1) ? "congruent" : "restricted", PICK(interventions),
	                  PICK(responses), PICK(interventions));
}

static enum err generate(struct store *s, const struct vault *v, const struct demo_size *z)
{
	int64_t *clinician_ids = NULL, now = domain_now();
	int64_t first_client = 0;
	struct buf note;
	long i, per_client, roster, episodes, notes_done = 0;
	char email[96], name[96], dob[16], phone[32], addr[128];
	enum err e;

	buf_init(&note, 4096, 1);
	clinician_ids = calloc((size_t)(z->clinicians ? z->clinicians : 1), sizeof *clinician_ids);
	if (clinician_ids == NULL)
		return ERR_NOMEM;
	e = store_begin(s);
	if (e != ERR_OK)
		goto out;
	for (i = 0; i < z->clinicians && e == ERR_OK; i++) {
		struct user u;
		const char *g = PICK(given), *f = PICK(family);

		memset(&u, 0, sizeof u);
		snprintf(name, sizeof name, "%s %s", g, f);
		snprintf(email, sizeof email, "clinician%ld.%llx@demo.invalid", i + 1,
		         (unsigned long long)(rnd() & 0xffff));
		u.email = email;
		u.display_name = name;
		u.role = (char *)(uintptr_t) "clinician";
		e = store_user_create(s, &u, NULL, 1, now);
		clinician_ids[i] = u.id;
	}
	for (i = 0; i < z->clients && e == ERR_OK; i++) {
		struct client c;
		char legal[96];
		int age = 18 + (int)(rnd() % 60);
		time_t born = (time_t)(now - (int64_t)age * 31556952 - (int64_t)(rnd() % 31536000));
		struct tm tm;

		memset(&c, 0, sizeof c);
		gmtime_r(&born, &tm);
		strftime(dob, sizeof dob, "%Y-%m-%d", &tm);
		snprintf(legal, sizeof legal, "%s %s %s", PICK(given), PICK(given), PICK(family));
		snprintf(phone, sizeof phone, "+1 555 01%02d %04d", (int)(rnd() % 100),
		         (int)(rnd() % 10000));
		snprintf(addr, sizeof addr, "%d %s\nSpringfield", (int)(rnd() % 400) + 1,
		         PICK(streets));
		snprintf(email, sizeof email, "client%ld@demo.invalid", i + 1);
		c.status = (rnd() % 10) == 0 ? CLIENT_DISCHARGED : CLIENT_ACTIVE;
		c.legal_name = legal;
		c.preferred_name = (rnd() % 3) == 0 ? (char *)(uintptr_t)PICK(given) : NULL;
		c.pronouns = (char *)(uintptr_t)pronouns[rnd() % 4];
		c.date_of_birth = dob;
		c.email = email;
		c.phone = phone;
		c.address = addr;
		e = store_client_create(s, v, &c, now);
		if (i == 0)
			first_client = c.id;
		if (e == ERR_OK)
			e = batch(s, i + 1, 2000);
		if (i % 500 == 0)
			cli_progress((void *)(uintptr_t) "clients     ", (uint64_t)i << 20,
			             (uint64_t)z->clients << 20);
	}
	cli_progress((void *)(uintptr_t) "clients     ", 1, 1);
	per_client = z->clients ? z->appointments / z->clients : 0;
	/* Each clinician has DEMO_SLOTS weekly slots (8 a day, Monday to
	 * Friday) and a caseload of that many clients at a time: a client holds
	 * a slot for per_client weeks, then the next client takes it. So a
	 * clinician's history is a series of episodes reaching back years (the
	 * large practice: 400 clients each, 10 episodes of 50 weeks), the last
	 * one straddling today, and no week double-books a slot. */
	roster = z->clinicians ? (z->clients + z->clinicians - 1) / z->clinicians : z->clients;
	episodes = (roster + DEMO_SLOTS - 1) / DEMO_SLOTS;
	for (i = 0; i < z->clients && e == ERR_OK; i++) {
		long k, clin = z->clinicians ? i % z->clinicians : 0;
		long nth = z->clinicians ? i / z->clinicians : i; /* the clinician's nth client */
		long slot = nth % DEMO_SLOTS, episode = nth / DEMO_SLOTS;
		int64_t week0 = now - (now % 604800) -
		                604800 * ((int64_t)per_client * (episodes - 1) + per_client / 2);
		int64_t start = week0 + 604800 * (int64_t)per_client * episode +
		                86400 * (slot % 5) + 3600 * (9 + (slot / 5) % 8);
		const char *theme = PICK(themes);

		for (k = 0; k < per_client && e == ERR_OK; k++) {
			int64_t at = start + 604800 * k;
			int past = at < now;

			e = store_appointment_insert(s, clinician_ids[clin], first_client + i, at,
			                             at + 3000, past ? 4 : 0);
			if (e == ERR_OK && past && notes_done < z->notes) {
				e = make_note(&note, theme);
				if (e == ERR_OK)
					e = store_note_insert(s, v, first_client + i,
					                      clinician_ids[clin], note.data,
					                      at + 3000);
				notes_done++;
			}
		}
		if (e == ERR_OK)
			e = batch(s, i + 1, 200);
		if (i % 100 == 0)
			cli_progress((void *)(uintptr_t) "appointments", (uint64_t)i << 20,
			             (uint64_t)z->clients << 20);
	}
	cli_progress((void *)(uintptr_t) "appointments", 1, 1);
	if (e == ERR_OK) {
		struct audit_entry a = {.event = AUDIT_DEMO,
		                        .actor = "system",
		                        .outcome = ERR_OK,
		                        .request_id = "",
		                        .detail = "",
		                        .at = now};
		snprintf(name, sizeof name, "clients=%ld notes=%ld", z->clients, notes_done);
		a.detail = name;
		e = audit_emit(s, v, &a);
	}
	if (e == ERR_OK)
		e = store_commit(s);
	else
		store_rollback(s);
	if (e == ERR_OK)
		printf("Added %ld clinicians, %ld clients, %ld appointments, %ld notes.\n",
		       z->clinicians, z->clients, per_client * z->clients, notes_done);
out:
	buf_cleanup(&note);
	free(clinician_ids);
	return e;
}

int cli_demo(int argc, char **argv)
{
	struct cli_opt o[] = {
	        {"data", 1, 0},       {"keyfile", 1, 0}, {"size", 1, 0},
	        {"clinicians", 1, 0}, {"clients", 1, 0}, {"appointments", 1, 0},
	        {"notes", 1, 0},      {"seed", 1, 0},    {0, 0, 0},
	};
	struct demo_size z = {3, 40, 40 * 24, 40 * 12};
	const char *size;
	struct store *s = NULL;
	struct vault *v = NULL;
	long seed = 1;
	enum err e;
	int rc;

	rc = cli_start(argc, argv, o, usage);
	if (rc >= 0)
		return rc;
	size = cli_get(o, "size");
	if (size == NULL || strcmp(size, "small") == 0) {
		/* defaults above */
	} else if (strcmp(size, "medium") == 0) {
		z = (struct demo_size){10, 1000, 50000, 25000};
	} else if (strcmp(size, "large") == 0) {
		z = (struct demo_size){50, 20000, 1000000, 500000};
	} else {
		return cli_fail("demo", "--size must be small, medium or large");
	}
	if (!parse_count(cli_get(o, "clinicians"), &z.clinicians) ||
	    !parse_count(cli_get(o, "clients"), &z.clients) ||
	    !parse_count(cli_get(o, "appointments"), &z.appointments) ||
	    !parse_count(cli_get(o, "notes"), &z.notes) || !parse_count(cli_get(o, "seed"), &seed))
		return cli_fail("demo", "counts must be whole numbers up to 100,000,000");
	if (z.clinicians == 0 && z.clients > 0)
		return cli_fail("demo", "clients need at least one clinician");
	rng_state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)seed;
	if (cli_practice_open("demo", cli_get(o, "data"), cli_get(o, "keyfile"), &s, &v) != ERR_OK)
		return 1;
	e = generate(s, v, &z);
	store_close(s);
	vault_free(v);
	if (e != ERR_OK)
		return cli_fail("demo", "generation stopped (%s); batches already committed remain",
		                err_name(e));
	return 0;
}
