/*
 * documents.c - what the readable documents share (see api/documents.h):
 * the time format and the chart's rows, so the HTML and PDF exports show
 * the same fields in the same order.
 * Never: decides what a document may contain (the domain gathered it).
 */
#include <time.h>

#include "api/documents.h"

const char *api_document_time(int64_t t, char out[24])
{
	struct tm tm;
	time_t tt = (time_t)t;

	out[0] = '\0';
	if (t == 0)
		return out;
	gmtime_r(&tt, &tm);
	strftime(out, 24, "%Y-%m-%d %H:%M UTC", &tm);
	return out;
}

static const char *flag(const char *v)
{
	return v == NULL ? NULL : v[0] == '1' ? "yes" : "no";
}

void api_document_chart(const struct client *c, const char *label[DOCUMENT_CHART_FIELDS],
                        const char *value[DOCUMENT_CHART_FIELDS])
{
	const struct {
		const char *label;
		const char *value;
	} rows[DOCUMENT_CHART_FIELDS] = {
	        {"Legal name", c->legal_name},
	        {"Preferred name", c->preferred_name},
	        {"Pronouns", c->pronouns},
	        {"Date of birth", c->date_of_birth},
	        {"Status", client_status_name(c->status)},
	        {"Email", c->email},
	        {"Phone", c->phone},
	        {"Address", c->address},
	        {"Emergency contact", c->emergency_name},
	        {"Emergency contact's relationship", c->emergency_relationship},
	        {"Emergency contact's phone", c->emergency_phone},
	        {"May email", flag(c->may_email)},
	        {"May text", flag(c->may_text)},
	        {"May leave voicemail", flag(c->may_voicemail)},
	        {"Confidential address", c->alt_address},
	        {"Confidential phone", c->alt_phone},
	        {"Confidential email", c->alt_email},
	        {"Intake date", c->intake_date},
	        {"Referred by", c->referral_source},
	        {"Jurisdiction (retention rule)", c->jurisdiction},
	};
	size_t i;

	for (i = 0; i < DOCUMENT_CHART_FIELDS; i++) {
		label[i] = rows[i].label;
		value[i] = rows[i].value;
	}
}
