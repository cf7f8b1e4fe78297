/*
 * err.h - the one error type every fallible function in Confidant returns.
 *
 * Responsible for: the list of error kinds and their stable names.
 * Never: carries text about data. Messages for people are written by the
 * caller that knows the context (the CLI, or the HTTP error mapper).
 */
#ifndef CONFIDANT_CORE_ERR_H
#define CONFIDANT_CORE_ERR_H

enum err {
	ERR_OK = 0,   /* success */
	ERR_NOMEM,    /* an allocation failed */
	ERR_INVAL,    /* the input is malformed or breaks a rule */
	ERR_TOOBIG,   /* the input is larger than its declared maximum */
	ERR_NOTFOUND, /* the thing asked for does not exist (or is not visible) */
	ERR_CONFLICT, /* the change clashes with the current state */
	ERR_DENIED,   /* the actor may not do this */
	ERR_CONSENT,  /* the client has not consented to this purpose */
	ERR_AUTH,     /* the actor is not authenticated */
	ERR_CRYPTO,   /* a key is wrong or a ciphertext failed to verify */
	ERR_DB,       /* the database failed */
	ERR_IO,       /* a file or socket operation failed */
	ERR_BUSY,     /* a resource is busy; retrying later may work */
	ERR_INTERNAL, /* a broken invariant inside Confidant */
	ERR_MEDIA,    /* the content is not of a type accepted here (or not what it claims) */
	ERR_RESTRICT, /* the client's record is restricted (GDPR Art. 18): storage only */
	ERR__COUNT    /* number of error kinds; not an error */
};

/* err_name - the stable, lower-case code of e ("not_found"); never NULL. */
const char *err_name(enum err e);

#endif
