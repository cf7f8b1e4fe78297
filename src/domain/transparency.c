/*
 * transparency.c - the privacy page, the record of processing and the
 * public notice (see transparency.h). The two lists here are the single
 * source for what the practice says it holds and where data can go.
 */
#include "domain/transparency.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "domain/erasure.h"
#include "domain/settings.h"

#define COUNT(field) offsetof(struct client_counts, field)
#define NONE ((size_t)-1)

const struct data_category data_categories[] = {
        {"demographics", "Your name, preferred name, pronouns and date of birth",
         "The practice owner, the front desk, billing, the privacy officer (to read), the "
         "clinicians on your care team and their supervisors, and you",
         NONE},
        {"contact",
         "How to reach you, your contact preferences and any confidential address "
         "or number you asked us to use",
         "The same as your demographics", NONE},
        {"guardians", "Guardians of a minor and what each may see", "The same as your demographics",
         COUNT(guardians)},
        {"appointments", "Dates, times and places of appointments",
         "The front desk, billing, your clinicians, and you", COUNT(appointments)},
        {"notes", "Progress notes written after sessions, with signatures and addenda",
         "Only the clinicians on your care team and their supervisors (and, in an emergency, a "
         "clinician who must give a reason that is reviewed)",
         COUNT(notes)},
        {"diagnoses", "Diagnosis codes with their dates",
         "Your clinicians and their supervisors, and billing (insurance claims need the codes)",
         COUNT(diagnoses)},
        {"plans", "Treatment plans, their versions and your signatures",
         "Your clinicians and their supervisors, and you", COUNT(plans)},
        {"attachments", "Files added to your record",
         "Your clinicians and their supervisors, "
         "and you",
         COUNT(attachments)},
        {"consents", "Consents you gave or withdrew, with the exact text you agreed to",
         "Staff who may read your record, and you", COUNT(consents)},
        {"disclosures", "Releases of your information to others, under your authorization",
         "Staff who may read your record, and you", COUNT(disclosures)},
        {"amendments", "Your requests to correct the record, our answers, your statements",
         "Your clinicians and their supervisors, and you", COUNT(amendments)},
        {"history", "Earlier versions of your record, kept so changes can be seen",
         "Whoever may read the current record", COUNT(versions)},
        {"access_log", "Who opened your record, when, and why",
         "The privacy officer and the practice owner, and you (your access report)", NONE},
};
const size_t data_category_count = sizeof data_categories / sizeof data_categories[0];

const struct integration integrations[] = {
        {"email", "Appointment reminders and messages by email",
         "The time of an appointment and a link to confirm it; your name, the service or the "
         "practice's name only if the practice turns that on",
         "smtp_host", "email"},
        {"sms", "Appointment reminders by text message",
         "The time of an appointment and a number or link to confirm it", "sms_gateway_url", "sms"},
        {"clearinghouse", "Insurance claims",
         "What a claim needs: identity, insurance, diagnosis and service codes, dates",
         "clearinghouse_url", "insurance_billing"},
        {"turn", "A relay for video sessions when a direct connection is not possible",
         "Your video and sound, encrypted end to end: the relay can read neither, and sees "
         "only network addresses",
         "turn_urls", "telehealth"},
};
const size_t integration_count = sizeof integrations / sizeof integrations[0];

_Static_assert(sizeof integrations / sizeof integrations[0] <= 8,
               "struct privacy_page has room for 8 integrations");

/* facts - the settings behind the pages, in the caller's transaction. */
static void facts(struct domain_ctx *ctx, char *name, char *where, char *contact, char *retention,
                  int *configured)
{
	char v[TRANSPARENCY_TEXT_MAX];
	size_t i;

	domain_text_setting(ctx, "practice_name", name, TRANSPARENCY_TEXT_MAX);
	domain_text_setting(ctx, "server_location", where, TRANSPARENCY_TEXT_MAX);
	domain_text_setting(ctx, "privacy_contact", contact, TRANSPARENCY_TEXT_MAX);
	domain_text_setting(ctx, "retention_policy", retention, TRANSPARENCY_TEXT_MAX);
	for (i = 0; i < integration_count; i++) {
		domain_text_setting(ctx, integrations[i].setting, v, sizeof v);
		configured[i] = v[0] != '\0';
	}
}

enum err domain_practice_facts(struct domain_ctx *ctx, struct practice_facts *out)
{
	enum err e = store_begin_read(ctx->store);

	if (e != ERR_OK)
		return e;
	memset(out, 0, sizeof *out);
	facts(ctx, out->practice_name, out->server_location, out->privacy_contact,
	      out->retention_policy, out->configured);
	store_end_read(ctx->store);
	return ERR_OK;
}

enum err domain_privacy_page(struct domain_ctx *ctx, const char *client_public_id,
                             struct privacy_page *out)
{
	int64_t cid = 0;
	char detail[32];
	int yes = 0;
	enum err e;

	memset(out, 0, sizeof *out);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = domain_client_may(ctx, cid, ACCESS_READ, &yes);
	if (e == ERR_OK && !yes) {
		domain_audit_refusal(ctx, AUDIT_PRIVACY_PAGE, cid, ERR_DENIED);
		return ERR_NOTFOUND;
	}
	if (e == ERR_OK)
		e = store_client_counts(ctx->store, cid, &out->counts);
	if (e == ERR_OK) { /* until when the record is kept, and under which rule */
		struct retention ret;

		e = domain_retention_of(ctx, cid, &ret);
		if (e == ERR_OK) {
			out->retain_until = ret.retain_until;
			out->retention_basis = ret.rule;
			snprintf(out->retention_jurisdiction, sizeof out->retention_jurisdiction,
			         "%s", ret.jurisdiction);
		}
	}
	if (e == ERR_OK) {
		snprintf(out->client_public_id, sizeof out->client_public_id, "%s",
		         client_public_id);
		facts(ctx, out->practice_name, out->server_location, out->privacy_contact,
		      out->retention_policy, out->configured);
		snprintf(detail, sizeof detail, "categories=%zu", data_category_count);
		e = domain_emit(ctx, AUDIT_PRIVACY_PAGE, cid, "client", client_public_id, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	return e;
}
