/*
 * reminders.h - appointment reminders by email and SMS, with no PHI by
 * default, and the practice's integration secrets.
 *
 * A reminder says only when the appointment is (local time and zone) and
 * how to confirm (the reminder_link and reminder_phone settings); never the
 * client's name, the clinician, the service or the practice's name unless
 * the practice opts in (reminder_name_practice = 1 adds the practice name).
 *
 * Every send asks, in this order: the consent gate (purpose email or sms;
 * domain/consent.h), the client's contact preferences and confidential
 * alternates through domain_client_contact_route (the only way the
 * destination is chosen), and whether the practice configured the channel.
 * A reminder that may not be sent is recorded as skipped and never tried
 * again for that appointment time; one the server or gateway refused is
 * retried with backoff up to REMINDER_ATTEMPTS_MAX times. Every attempt is
 * recorded (reminder_attempts: no address, number or text, only an error
 * class). The disclosure event (reminder.email / reminder.sms) is written
 * when the message is handed over, in the transaction that claims it.
 *
 * Never: logs or audits an address, a number or a message; sends outside
 * the gate; picks a destination from the client record directly.
 */
#ifndef CONFIDANT_DOMAIN_REMINDERS_H
#define CONFIDANT_DOMAIN_REMINDERS_H

#include "domain/domain.h"
#include "store/remind.h"

#define REMINDER_ATTEMPTS_MAX 4     /* tries per reminder */
#define REMINDER_BACKOFF_S 300      /* first retry after 5 minutes, then x3 each time */
#define REMINDER_LEASE_S 600        /* a claimed reminder is retried after this if unrecorded */
#define REMINDER_BATCH_MAX 500      /* candidates one pass looks at */
#define REMINDER_TEXT_MAX 1024      /* bytes of a message */
#define REMINDER_ATTEMPTS_SHOWN 100 /* attempts an appointment's list returns */

/* One message as the transport sees it, with the practice's configuration.
 * Everything is borrowed for the duration of send. */
struct reminder_outbound {
	int channel;               /* REMINDER_EMAIL or REMINDER_SMS */
	const char *to;            /* the address or number from the contact route */
	const char *subject;       /* email subject */
	const char *text;          /* the message */
	int64_t now;               /* for the Date header */
	const char *smtp_host;     /* email: server host */
	int smtp_port;             /* email: port */
	int smtp_security;         /* 0 none (loopback only), 1 STARTTLS, 2 TLS */
	const char *smtp_from;     /* email: From address */
	const char *smtp_username; /* email: sign-in name, or "" */
	const char *smtp_password; /* email: password, or "" (a secret) */
	const char *sms_url;       /* sms: the gateway's URL */
	const char *sms_token;     /* sms: the gateway's bearer token, or "" (a secret) */
};

/* How messages leave: the CLI wires in the SMTP and HTTP gateway
 * implementations (src/notify/); tests of the domain may use a double. */
struct reminder_transport {
	/* send - deliver m. ERR_OK when the server or gateway accepted it;
	 * otherwise an error and *error_class a static, PHI-free class
	 * ("connect", "tls", "auth", "rejected", "timeout", "config"). */
	enum err (*send)(void *self, const struct reminder_outbound *m, const char **error_class);
	void *self; /* the implementation's state */
};

/* What one pass did. */
struct reminder_stats {
	size_t considered; /* client-channel pairs looked at */
	size_t sent;       /* handed over */
	size_t failed;     /* refused or unreachable (retried later unless given up) */
	size_t skipped;    /* not allowed (consent, preferences, no destination) */
};

/* domain_reminders_run - one pass: every client of each scheduled or
 * confirmed appointment starting within reminder_hours_before from now,
 * on each configured channel, whose reminder is due. Sends through t.
 * Run as the system (CLI, background sender). */
enum err domain_reminders_run(struct domain_ctx *ctx, const struct reminder_transport *t,
                              struct reminder_stats *out);

/* What sending one reminder now did. */
struct reminder_result {
	size_t sent;                             /* clients it was handed over for */
	size_t failed;                           /* clients whose send failed */
	char error_class[STORE_ERROR_CLASS_MAX]; /* of the last failure, "" if none */
};

/* domain_reminder_send_now - send the reminder for appointment public_id
 * on channel (REMINDER_EMAIL / _SMS) to each of its clients now, whatever
 * was sent before (staff who may book for its clients). ERR_CONSENT (403)
 * without the client's consent; ERR_CONFLICT with ctx->message when the
 * client's contact preferences do not allow it or the channel is not
 * configured; ERR_NOTFOUND for an appointment the actor may not book. A
 * send the server refused is ERR_OK with res->failed and the class. */
enum err domain_reminder_send_now(struct domain_ctx *ctx, const struct reminder_transport *t,
                                  const char *public_id, int channel, struct reminder_result *res);

/* domain_reminder_attempts - the appointment's attempts, oldest first
 * (whoever may read the appointment's clients: staff who book, and the
 * treating team). Audited as reminder.read. */
enum err domain_reminder_attempts(struct domain_ctx *ctx, const char *public_id,
                                  struct reminder_attempt *out, size_t max, size_t *n);

/* domain_integration_secret_set - the owner sets (or, with "", forgets)
 * "smtp_password", "sms_gateway_token" or "turn_secret" (the coturn
 * relay's shared secret, domain/telehealth.h), sealed under the vault's secrets
 * subkey. ERR_INVAL for another name or a value too long. */
enum err domain_integration_secret_set(struct domain_ctx *ctx, const char *name, const char *value);

/* domain_reminder_channel_name - "email" or "sms". */
const char *domain_reminder_channel_name(int channel);

#endif
