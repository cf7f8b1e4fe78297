/*
 * fhir.h - FHIR R4 JSON rendering shared by every route that hands out a
 * FHIR resource (the disclosure packet, the right-of-access export).
 *
 * Responsible for: the shape of each resource (Patient, Condition, bundle
 * entries, references), bundle-local references (urn:uuid, so every
 * reference resolves inside its bundle), instants and base64.
 * Never: decides what goes into a bundle (the domain did), or reads
 * anything; returns NULL only when out of memory.
 */
#ifndef CONFIDANT_API_FHIR_H
#define CONFIDANT_API_FHIR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/diagnoses.h"
#include "store/model.h"

#define FHIR_REF_MAX 46 /* "urn:uuid:" + 36 + NUL */

/* fhir_ref - the bundle-local reference (and fullUrl) of resource
 * type/id: urn:uuid: and a UUID derived from both, so two resources of
 * different types with the same id never collide. */
void fhir_ref(char out[FHIR_REF_MAX], const char *type, const char *id);

/* fhir_reference - {"reference": fhir_ref(type, id)} with "display" when
 * display is not NULL or "". */
json_t *fhir_reference(const char *type, const char *id, const char *display);

/* fhir_entry - a Bundle entry for resource (stolen) with its fullUrl. */
json_t *fhir_entry(json_t *resource);

/* fhir_instant - unix seconds as a FHIR instant (UTC, seconds). */
json_t *fhir_instant(int64_t t);

/* fhir_base64 - n bytes as a base64 string value (padded). */
json_t *fhir_base64(const void *data, size_t n);

/* fhir_add - set o[key] = v (stolen) when v is not NULL; returns o. */
json_t *fhir_add(json_t *o, const char *key, json_t *v);
/* fhir_str - a string value, or NULL for NULL or "". */
json_t *fhir_str(const char *s);

/* fhir_patient - a Patient of c's demographics: names, phone, email,
 * birth date, address. id is the client's public id. */
json_t *fhir_patient(const char *id, const struct client *c);

/* fhir_condition - a Condition for diagnosis d (ICD-10-CM) of patient id. */
json_t *fhir_condition(const char *patient, const struct diagnosis *d);

/* fhir_bundle - a Bundle of type (collection...) with entries (stolen). */
json_t *fhir_bundle(const char *id, const char *type, int64_t timestamp, json_t *entries);

#endif
