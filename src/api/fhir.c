/*
 * fhir.c - FHIR R4 JSON rendering shared by the disclosure packet and the
 * right-of-access export (see fhir.h). Never: holds data beyond a call;
 * every value it gets is already what may be released.
 */
#include "api/fhir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "vault/vault.h"

void fhir_ref(char out[FHIR_REF_MAX], const char *type, const char *id)
{
	unsigned char h[32];
	char in[160];
	int n = snprintf(in, sizeof in, "%s/%s", type, id);
	size_t i, k = 0;

	vault_hash(h, in, n > 0 ? (size_t)n < sizeof in ? (size_t)n : sizeof in - 1 : 0);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80); /* RFC 9562 version 8: custom */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	memcpy(out, "urn:uuid:", 9);
	k = 9;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = "0123456789abcdef"[h[i] >> 4];
		out[k++] = "0123456789abcdef"[h[i] & 15];
	}
	out[k] = '\0';
}

json_t *fhir_add(json_t *o, const char *key, json_t *v)
{
	if (o != NULL && v != NULL)
		json_object_set_new(o, key, v);
	else if (v != NULL)
		json_decref(v);
	return o;
}

json_t *fhir_str(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : NULL;
}

json_t *fhir_reference(const char *type, const char *id, const char *display)
{
	char ref[FHIR_REF_MAX];

	fhir_ref(ref, type, id);
	return fhir_add(json_pack("{s:s,s:s}", "reference", ref, "type", type), "display",
	                fhir_str(display));
}

json_t *fhir_entry(json_t *resource)
{
	char ref[FHIR_REF_MAX];
	const char *type = json_string_value(json_object_get(resource, "resourceType"));
	const char *id = json_string_value(json_object_get(resource, "id"));

	if (type == NULL || id == NULL) {
		json_decref(resource);
		return NULL;
	}
	fhir_ref(ref, type, id);
	return json_pack("{s:s,s:o}", "fullUrl", ref, "resource", resource);
}

json_t *fhir_instant(int64_t t)
{
	return api_time_json(t); /* ISO 8601 UTC with seconds: a valid instant */
}

json_t *fhir_base64(const void *data, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t len = (n + 2) / 3 * 4, i, k = 0;
	json_t *v;
	char *out;

	if (n > ((size_t)-1 / 4) * 3 - 3)
		return NULL;
	out = malloc(len + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		out[k++] = a[p[i] >> 2];
		out[k++] = a[(p[i] & 3) << 4 | p[i + 1] >> 4];
		out[k++] = a[(p[i + 1] & 15) << 2 | p[i + 2] >> 6];
		out[k++] = a[p[i + 2] & 63];
	}
	if (i < n) {
		out[k++] = a[p[i] >> 2];
		out[k++] = a[(p[i] & 3) << 4 | (i + 1 < n ? p[i + 1] >> 4 : 0)];
		out[k++] = i + 1 < n ? a[(p[i + 1] & 15) << 2] : '=';
		out[k++] = '=';
	}
	out[k] = '\0';
	v = json_stringn_nocheck(out, k);
	free(out);
	return v;
}

json_t *fhir_patient(const char *id, const struct client *c)
{
	json_t *p = json_pack("{s:s,s:s}", "resourceType", "Patient", "id", id);
	json_t *names = json_array(), *telecom = json_array();

	if (p == NULL || names == NULL || telecom == NULL) {
		json_decref(p);
		json_decref(names);
		json_decref(telecom);
		return NULL;
	}
	if (c->legal_name)
		json_array_append_new(
		        names, json_pack("{s:s,s:s}", "use", "official", "text", c->legal_name));
	if (c->preferred_name)
		json_array_append_new(
		        names, json_pack("{s:s,s:s}", "use", "usual", "text", c->preferred_name));
	if (c->phone)
		json_array_append_new(telecom,
		                      json_pack("{s:s,s:s}", "system", "phone", "value", c->phone));
	if (c->email)
		json_array_append_new(telecom,
		                      json_pack("{s:s,s:s}", "system", "email", "value", c->email));
	if (json_array_size(names))
		json_object_set_new(p, "name", names);
	else
		json_decref(names);
	if (json_array_size(telecom))
		json_object_set_new(p, "telecom", telecom);
	else
		json_decref(telecom);
	if (c->date_of_birth)
		json_object_set_new(p, "birthDate", json_string(c->date_of_birth));
	if (c->address)
		json_object_set_new(p, "address", json_pack("[{s:s}]", "text", c->address));
	return p;
}

json_t *fhir_condition(const char *patient, const struct diagnosis *d)
{
	json_t *coding = json_pack("{s:s,s:s}", "system", "http://hl7.org/fhir/sid/icd-10-cm",
	                           "code", d->code);
	json_t *o;

	fhir_add(coding, "display", fhir_str(domain_diagnosis_title(d->code)));
	o = json_pack("{s:s,s:s,s:{s:[{s:s,s:s}]},s:{s:[{s:s,s:s}]},s:{s:[o]},s:o}", "resourceType",
	              "Condition", "id", d->public_id, "clinicalStatus", "coding", "system",
	              "http://terminology.hl7.org/CodeSystem/condition-clinical", "code",
	              d->resolved ? "resolved" : "active", "verificationStatus", "coding", "system",
	              "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code",
	              "confirmed", "code", "coding", coding, "subject",
	              fhir_reference("Patient", patient, NULL));
	if (o != NULL && d->onset[0])
		json_object_set_new(o, "onsetDateTime", json_string(d->onset));
	if (o != NULL && d->resolved_on[0])
		json_object_set_new(o, "abatementDateTime", json_string(d->resolved_on));
	return o;
}

json_t *fhir_bundle(const char *id, const char *type, int64_t timestamp, json_t *entries)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:o}", "resourceType", "Bundle", "id", id, "type", type,
	                 "timestamp", fhir_instant(timestamp), "entry", entries);
}
