/*
 * routes.c - every route of the JSON API, in one table: method, path,
 * roles allowed, audit event, body limit, flags and handler. The server
 * refuses to start if an entry has no access rule (deny by default), and
 * runs the session gate (api_authorize) before every non-public handler.
 */
#include "api/api.h"
#include "api/consent.h"
#include "api/transparency.h"
#include "api/chart.h"
#include "api/diagnoses.h"
#include "api/today.h"
#include "api/pnotes.h"
#include "api/attachments.h"
#include "api/plans.h"
#include "api/schedule.h"
#include "api/records.h"
#include "api/export.h"
#include "api/erasure.h"
#include "api/remind.h"
#include "api/roster.h"
#include "api/telehealth.h"
#include "api/retention.h"
#include "api/time_off.h"
#include "audit/audit.h"

#define KB 1024
#define STAFF ROLE_ALL_STAFF
#define FRONT (ROLE_OWNER | ROLE_CLINICIAN | ROLE_SCHEDULER) /* may register clients */
#define CLINICAL (ROLE_CLINICIAN | ROLE_SUPERVISOR)          /* the treating team */
/* The calendar: who books (front desk, owner, treating clinicians), who
 * reads it (they, supervisors and billing), who keeps hours. */
#define BOOKERS (ROLE_OWNER | ROLE_CLINICIAN | ROLE_SCHEDULER)
#define CALENDAR (BOOKERS | ROLE_SUPERVISOR | ROLE_BILLER)
#define HOURS (BOOKERS | ROLE_SUPERVISOR)

const struct route api_routes[] = {
        {HTTP_GET, "/api/v1/health", 0, AUDIT_NONE, 0, ROUTE_PUBLIC, api_health},

        {HTTP_POST, "/api/v1/auth/login", 0, AUDIT_LOGIN, 4 * KB, ROUTE_PUBLIC, api_login},
        {HTTP_POST, "/api/v1/auth/logout", ROLE_ALL, AUDIT_LOGOUT, 1 * KB, ROUTE_PENDING,
         api_logout},
        {HTTP_GET, "/api/v1/auth/session", ROLE_ALL, AUDIT_NONE, 0, ROUTE_PENDING, api_session},
        {HTTP_POST, "/api/v1/auth/password", ROLE_ALL, AUDIT_PASSWORD, 4 * KB, ROUTE_PENDING,
         api_password},
        {HTTP_POST, "/api/v1/auth/mfa/enrol", ROLE_ALL, AUDIT_MFA_ENROL, 1 * KB, ROUTE_PENDING,
         api_mfa_enrol},
        {HTTP_POST, "/api/v1/auth/mfa/confirm", ROLE_ALL, AUDIT_MFA_ENROL, 1 * KB, ROUTE_PENDING,
         api_mfa_confirm},
        {HTTP_POST, "/api/v1/auth/reauth", ROLE_ALL, AUDIT_LOGIN, 4 * KB, 0, api_reauth},

        {HTTP_GET, "/api/v1/users", ROLE_OWNER, AUDIT_NONE, 0, 0, api_user_list},
        {HTTP_POST, "/api/v1/users", ROLE_OWNER, AUDIT_USER_CREATE, 4 * KB, ROUTE_REAUTH,
         api_user_create},
        {HTTP_PATCH, "/api/v1/users/{id}", ROLE_OWNER, AUDIT_USER_ROLE, 1 * KB, ROUTE_REAUTH,
         api_user_update},
        {HTTP_POST, "/api/v1/users/{id}/reset-mfa", ROLE_OWNER, AUDIT_MFA_RESET, 1 * KB,
         ROUTE_REAUTH, api_user_reset_mfa},

        {HTTP_POST, "/api/v1/users/{id}/supervisees", ROLE_OWNER, AUDIT_CARE_TEAM, 1 * KB, 0,
         api_user_supervisee},

        {HTTP_GET, "/api/v1/settings", ROLE_OWNER, AUDIT_NONE, 0, 0, api_settings_get},
        {HTTP_PATCH, "/api/v1/settings", ROLE_OWNER, AUDIT_SETTINGS, 1 * KB, ROUTE_REAUTH,
         api_settings_update},
        {HTTP_GET, "/api/v1/settings/chart", ROLE_ALL, AUDIT_NONE, 0, 0, api_settings_chart},

        {HTTP_POST, "/api/v1/clients", FRONT, AUDIT_CLIENT_CREATE, 16 * KB, 0, api_client_create},
        {HTTP_GET, "/api/v1/clients", ROLE_ALL, AUDIT_CLIENT_LIST, 0, 0, api_client_list},
        {HTTP_POST, "/api/v1/clients/search", STAFF, AUDIT_CLIENT_SEARCH, 1 * KB, 0,
         api_client_search},
        {HTTP_GET, "/api/v1/clients/{id}", ROLE_ALL, AUDIT_CLIENT_READ, 0, 0, api_client_get},
        {HTTP_PATCH, "/api/v1/clients/{id}", FRONT, AUDIT_CLIENT_UPDATE, 16 * KB, 0,
         api_client_update},
        {HTTP_POST, "/api/v1/clients/{id}/care-team", ROLE_OWNER, AUDIT_CARE_TEAM, 1 * KB, 0,
         api_client_care_team},
        {HTTP_POST, "/api/v1/clients/{id}/break-glass", ROLE_CLINICIAN | ROLE_SUPERVISOR,
         AUDIT_BREAK_GLASS, 2 * KB, 0, api_break_glass_open},
        {HTTP_GET, "/api/v1/break-glass",
         ROLE_OWNER | ROLE_AUDITOR | ROLE_CLINICIAN | ROLE_SUPERVISOR, AUDIT_BREAK_GLASS, 0, 0,
         api_break_glass_list},

        {HTTP_GET, "/api/v1/note-templates", CLINICAL, AUDIT_NONE, 0, 0, api_note_templates},
        {HTTP_POST, "/api/v1/clients/{id}/notes", CLINICAL, AUDIT_NOTE_CREATE, 256 * KB, 0,
         api_note_create},
        {HTTP_GET, "/api/v1/clients/{id}/notes", CLINICAL, AUDIT_NOTE_LIST, 0, 0, api_note_list},
        {HTTP_GET, "/api/v1/notes/{id}", CLINICAL, AUDIT_NOTE_READ, 0, 0, api_note_get},
        {HTTP_PATCH, "/api/v1/notes/{id}", CLINICAL, AUDIT_NOTE_UPDATE, 256 * KB, 0,
         api_note_update},
        {HTTP_POST, "/api/v1/notes/{id}/sign", CLINICAL, AUDIT_NOTE_SIGN, 1 * KB, 0, api_note_sign},
        {HTTP_POST, "/api/v1/notes/{id}/cosign", ROLE_SUPERVISOR, AUDIT_NOTE_COSIGN, 1 * KB, 0,
         api_note_cosign},
        {HTTP_POST, "/api/v1/notes/{id}/addenda", CLINICAL, AUDIT_NOTE_ADDENDUM, 32 * KB, 0,
         api_note_addendum},

        {HTTP_GET, "/api/v1/me/notes", CLINICAL, AUDIT_NOTE_LIST, 0, 0, api_me_notes},

        {HTTP_GET, "/api/v1/icd10", CLINICAL | ROLE_BILLER, AUDIT_NONE, 0, 0, api_icd10_search},
        {HTTP_GET, "/api/v1/clients/{id}/diagnoses", CLINICAL | ROLE_BILLER, AUDIT_DIAGNOSIS_READ,
         0, 0, api_diagnosis_list},
        {HTTP_POST, "/api/v1/clients/{id}/diagnoses", CLINICAL, AUDIT_DIAGNOSIS_ADD, 1 * KB, 0,
         api_diagnosis_add},
        {HTTP_PATCH, "/api/v1/diagnoses/{id}", CLINICAL, AUDIT_DIAGNOSIS_UPDATE, 1 * KB, 0,
         api_diagnosis_update},

        {HTTP_GET, "/api/v1/clients/{id}/history", ROLE_ALL, AUDIT_CLIENT_HISTORY, 0, 0,
         api_client_history},
        {HTTP_GET, "/api/v1/notes/{id}/history", CLINICAL, AUDIT_NOTE_HISTORY, 0, 0,
         api_note_history},
        {HTTP_GET, "/api/v1/clients/{id}/guardians", ROLE_ALL, AUDIT_GUARDIAN_LIST, 0, 0,
         api_guardian_list},
        {HTTP_POST, "/api/v1/clients/{id}/guardians", FRONT, AUDIT_GUARDIAN_ADD, 4 * KB, 0,
         api_guardian_add},
        {HTTP_PATCH, "/api/v1/guardians/{id}", FRONT, AUDIT_GUARDIAN_UPDATE, 4 * KB, 0,
         api_guardian_update},
        {HTTP_DELETE, "/api/v1/guardians/{id}", FRONT, AUDIT_GUARDIAN_REMOVE, 0, 0,
         api_guardian_remove},
        {HTTP_GET, "/api/v1/clients/{id}/care-team", ROLE_ALL, AUDIT_CARE_TEAM_READ, 0, 0,
         api_care_team_get},
        /* Psychotherapy notes: every role reaches the handler and all but the
         * author (or a shared supervisor) get an audited 404 (domain/pnotes.h). */
        {HTTP_GET, "/api/v1/clients/{id}/psychotherapy-notes", ROLE_ALL, AUDIT_PNOTE_LIST, 0, 0,
         api_pnote_list},
        {HTTP_POST, "/api/v1/clients/{id}/psychotherapy-notes", ROLE_ALL, AUDIT_PNOTE_CREATE,
         256 * KB, 0, api_pnote_create},
        {HTTP_GET, "/api/v1/psychotherapy-notes/{id}", ROLE_ALL, AUDIT_PNOTE_READ, 0, 0,
         api_pnote_get},
        {HTTP_PUT, "/api/v1/psychotherapy-notes/{id}", ROLE_ALL, AUDIT_PNOTE_UPDATE, 256 * KB, 0,
         api_pnote_update},
        {HTTP_POST, "/api/v1/psychotherapy-notes/{id}/share", ROLE_ALL, AUDIT_PNOTE_SHARE, 1 * KB,
         0, api_pnote_share},
        {HTTP_POST, "/api/v1/psychotherapy-notes/{id}/unshare", ROLE_ALL, AUDIT_PNOTE_UNSHARE,
         1 * KB, 0, api_pnote_unshare},
        {HTTP_POST, "/api/v1/users/{id}/reset-password", ROLE_OWNER, AUDIT_PASSWORD_RESET, 1 * KB,
         ROUTE_REAUTH, api_user_reset_password},
        {HTTP_POST, "/api/v1/clients/{id}/attachments", CLINICAL, AUDIT_ATTACHMENT_UPLOAD,
         ATTACHMENT_MAX, ROUTE_STREAM, api_attachment_upload},
        {HTTP_GET, "/api/v1/clients/{id}/attachments", CLINICAL | ROLE_CLIENT,
         AUDIT_ATTACHMENT_READ, 0, 0, api_attachment_list},
        {HTTP_GET, "/api/v1/attachments/{id}", CLINICAL | ROLE_CLIENT, AUDIT_ATTACHMENT_READ, 0, 0,
         api_attachment_get},
        {HTTP_GET, "/api/v1/attachments/{id}/content", CLINICAL | ROLE_CLIENT,
         AUDIT_ATTACHMENT_DOWNLOAD, 0, 0, api_attachment_content},
        /* Treatment plans: the treating team writes; the client reads and signs their own. */
        {HTTP_GET, "/api/v1/clients/{id}/plans", CLINICAL | ROLE_CLIENT, AUDIT_PLAN_LIST, 0, 0,
         api_plan_list},
        {HTTP_POST, "/api/v1/clients/{id}/plans", CLINICAL, AUDIT_PLAN_CREATE, 256 * KB, 0,
         api_plan_create},
        {HTTP_GET, "/api/v1/plans/{id}", CLINICAL | ROLE_CLIENT, AUDIT_PLAN_READ, 0, 0,
         api_plan_get},
        {HTTP_PUT, "/api/v1/plans/{id}", CLINICAL, AUDIT_PLAN_UPDATE, 256 * KB, 0, api_plan_update},
        {HTTP_GET, "/api/v1/plans/{id}/versions", CLINICAL | ROLE_CLIENT, AUDIT_PLAN_LIST, 0, 0,
         api_plan_versions},
        {HTTP_POST, "/api/v1/plans/{id}/sign", CLINICAL | ROLE_CLIENT, AUDIT_PLAN_SIGN, 2 * KB, 0,
         api_plan_sign},

        /* Amendment requests: the client (or the treating team for them) asks and disagrees;
         * the treating team decides. */
        {HTTP_GET, "/api/v1/clients/{id}/amendments", CLINICAL | ROLE_CLIENT, AUDIT_AMENDMENT_READ,
         0, 0, api_amendment_list},
        {HTTP_POST, "/api/v1/clients/{id}/amendments", CLINICAL | ROLE_CLIENT,
         AUDIT_AMENDMENT_REQUEST, 16 * KB, 0, api_amendment_create},
        {HTTP_GET, "/api/v1/amendments/{id}", CLINICAL | ROLE_CLIENT, AUDIT_AMENDMENT_READ, 0, 0,
         api_amendment_get},
        {HTTP_POST, "/api/v1/amendments/{id}/extend", CLINICAL, AUDIT_AMENDMENT_EXTEND, 8 * KB, 0,
         api_amendment_extend},
        {HTTP_POST, "/api/v1/amendments/{id}/accept", CLINICAL, AUDIT_AMENDMENT_ACCEPT, 8 * KB, 0,
         api_amendment_accept},
        {HTTP_POST, "/api/v1/amendments/{id}/deny", CLINICAL, AUDIT_AMENDMENT_DENY, 8 * KB, 0,
         api_amendment_deny},
        {HTTP_POST, "/api/v1/amendments/{id}/disagreement", CLINICAL | ROLE_CLIENT,
         AUDIT_AMENDMENT_DISAGREE, 8 * KB, 0, api_amendment_disagree},
        {HTTP_POST, "/api/v1/amendments/{id}/rebuttal", CLINICAL, AUDIT_AMENDMENT_REBUT, 8 * KB, 0,
         api_amendment_rebut},
        {HTTP_GET, "/api/v1/services", CALENDAR, AUDIT_NONE, 0, 0, api_service_list},
        {HTTP_POST, "/api/v1/services", ROLE_OWNER, AUDIT_SCHEDULE_SETUP, 1 * KB, 0,
         api_service_add},
        {HTTP_GET, "/api/v1/rooms", CALENDAR, AUDIT_NONE, 0, 0, api_room_list},
        {HTTP_POST, "/api/v1/rooms", ROLE_OWNER, AUDIT_SCHEDULE_SETUP, 1 * KB, 0, api_room_add},
        {HTTP_GET, "/api/v1/clinicians/{id}/working-hours", HOURS, AUDIT_NONE, 0, 0, api_hours_get},
        {HTTP_PUT, "/api/v1/clinicians/{id}/working-hours", HOURS, AUDIT_SCHEDULE_SETUP, 8 * KB, 0,
         api_hours_set},
        {HTTP_POST, "/api/v1/clinicians/{id}/time-off", HOURS, AUDIT_SCHEDULE_SETUP, 1 * KB, 0,
         api_time_off_add},
        {HTTP_GET, "/api/v1/clinicians/{id}/time-off", HOURS, AUDIT_SCHEDULE_VIEW, 0, 0,
         api_time_off_list},
        {HTTP_DELETE, "/api/v1/time-off/{id}", HOURS, AUDIT_SCHEDULE_SETUP, 0, 0,
         api_time_off_delete},
        {HTTP_GET, "/api/v1/clinicians/{id}/free-slots", HOURS, AUDIT_SCHEDULE_VIEW, 0, 0,
         api_free_slots},
        {HTTP_POST, "/api/v1/appointments", BOOKERS, AUDIT_APPOINTMENT_CREATE, 8 * KB, 0,
         api_appt_create},
        {HTTP_GET, "/api/v1/appointments/{id}", CALENDAR, AUDIT_APPOINTMENT_READ, 0, 0,
         api_appt_get},
        {HTTP_PATCH, "/api/v1/appointments/{id}", BOOKERS, AUDIT_APPOINTMENT_UPDATE, 8 * KB, 0,
         api_appt_update},
        {HTTP_POST, "/api/v1/appointments/{id}/status", BOOKERS, AUDIT_APPOINTMENT_STATUS, 2 * KB,
         0, api_appt_status},
        {HTTP_GET, "/api/v1/schedule", CALENDAR, AUDIT_SCHEDULE_VIEW, 0, 0, api_schedule_view},
        /* Waitlist, booking requests, reminders, calendar feeds (api/remind.h). */
        {HTTP_POST, "/api/v1/waitlist", BOOKERS, AUDIT_WAITLIST_ADD, 8 * KB, 0, api_waitlist_add},
        {HTTP_GET, "/api/v1/waitlist", BOOKERS, AUDIT_WAITLIST_READ, 0, 0, api_waitlist_list},
        {HTTP_POST, "/api/v1/waitlist/{id}/remove", BOOKERS, AUDIT_WAITLIST_REMOVE, 1 * KB, 0,
         api_waitlist_remove},
        {HTTP_POST, "/api/v1/booking-requests", BOOKERS | ROLE_CLIENT, AUDIT_BOOKING_REQUEST,
         8 * KB, 0, api_booking_create},
        {HTTP_GET, "/api/v1/booking-requests", BOOKERS | ROLE_CLIENT, AUDIT_BOOKING_READ, 0, 0,
         api_booking_list},
        {HTTP_GET, "/api/v1/booking-requests/{id}", BOOKERS | ROLE_CLIENT, AUDIT_BOOKING_READ, 0, 0,
         api_booking_get},
        {HTTP_POST, "/api/v1/booking-requests/{id}/approve", ROLE_OWNER | ROLE_CLINICIAN,
         AUDIT_BOOKING_APPROVE, 1 * KB, 0, api_booking_approve},
        {HTTP_POST, "/api/v1/booking-requests/{id}/decline", ROLE_OWNER | ROLE_CLINICIAN,
         AUDIT_BOOKING_DECLINE, 2 * KB, 0, api_booking_decline},
        {HTTP_POST, "/api/v1/appointments/{id}/reminders/email", BOOKERS, AUDIT_REMINDER_EMAIL,
         1 * KB, 0, api_reminder_email},
        {HTTP_POST, "/api/v1/appointments/{id}/reminders/sms", BOOKERS, AUDIT_REMINDER_SMS, 1 * KB,
         0, api_reminder_sms},
        {HTTP_GET, "/api/v1/appointments/{id}/reminders", BOOKERS | ROLE_SUPERVISOR,
         AUDIT_REMINDER_READ, 0, 0, api_reminder_list},
        {HTTP_PUT, "/api/v1/integration-secrets/{id}", ROLE_OWNER, AUDIT_INTEGRATION_SECRET, 2 * KB,
         ROUTE_REAUTH, api_integration_secret},
        {HTTP_POST, "/api/v1/clinicians/{id}/feed", ROLE_OWNER | ROLE_CLINICIAN | ROLE_SUPERVISOR,
         AUDIT_FEED_SETUP, 1 * KB, 0, api_feed_create},
        {HTTP_GET, "/api/v1/clinicians/{id}/feed", ROLE_OWNER | ROLE_CLINICIAN | ROLE_SUPERVISOR,
         AUDIT_NONE, 0, 0, api_feed_get},
        {HTTP_DELETE, "/api/v1/clinicians/{id}/feed", ROLE_OWNER | ROLE_CLINICIAN | ROLE_SUPERVISOR,
         AUDIT_FEED_SETUP, 0, 0, api_feed_revoke},
        {HTTP_GET, "/api/v1/feeds/{file}", 0, AUDIT_FEED_READ, 0, ROUTE_PUBLIC, api_feed_fetch},

        /* Practice note templates (the owner) and the risk report (the treating team). */
        {HTTP_POST, "/api/v1/note-templates", ROLE_OWNER, AUDIT_NOTE_TEMPLATE_CREATE, 8 * KB,
         ROUTE_REAUTH, api_note_template_create},
        {HTTP_POST, "/api/v1/note-templates/{name}/retire", ROLE_OWNER, AUDIT_NOTE_TEMPLATE_RETIRE,
         1 * KB, ROUTE_REAUTH, api_note_template_retire},
        {HTTP_GET, "/api/v1/reports/risk", CLINICAL, AUDIT_REPORT_RISK, 0, 0, api_risk_report},
        {HTTP_GET, "/api/v1/clinicians", CALENDAR, AUDIT_NONE, 0, 0, api_roster_list},
        /* Telehealth (domain/telehealth.h): membership of the appointment is the rule, so
         * every role reaches start/join and the room and all but its members get an audited
         * 404; only the treating staff who host admit and end. */
        {HTTP_POST, "/api/v1/appointments/{id}/telehealth", ROLE_ALL, AUDIT_TELEHEALTH_JOIN, 1 * KB,
         0, api_telehealth_join},
        {HTTP_GET, "/api/v1/telehealth/{room}", ROLE_ALL, AUDIT_TELEHEALTH_READ, 0, 0,
         api_telehealth_get},
        {HTTP_POST, "/api/v1/telehealth/{room}/admit", CLINICAL, AUDIT_TELEHEALTH_ADMIT, 1 * KB, 0,
         api_telehealth_admit},
        {HTTP_POST, "/api/v1/telehealth/{room}/end", CLINICAL, AUDIT_TELEHEALTH_END, 1 * KB, 0,
         api_telehealth_end},
        /* the signaling WebSocket: the join token is checked in its first message */
        {HTTP_GET, "/api/v1/telehealth/{room}/signal", ROLE_ALL, AUDIT_TELEHEALTH_SIGNAL, 0, 0,
         api_telehealth_signal},

        {HTTP_GET, "/api/v1/audit", ROLE_OWNER | ROLE_AUDITOR, AUDIT_AUDIT_SEARCH, 0, 0,
         api_audit_search},
        {HTTP_GET, "/api/v1/audit/clients/{id}", ROLE_OWNER | ROLE_AUDITOR | ROLE_CLIENT,
         AUDIT_AUDIT_ACCESS_REPORT, 0, 0, api_audit_access_report},
        {HTTP_GET, "/api/v1/audit/breach", ROLE_OWNER | ROLE_AUDITOR, AUDIT_AUDIT_BREACH_REPORT, 0,
         0, api_audit_breach_report},

        {HTTP_GET, "/api/v1/consent-templates", ROLE_ALL, AUDIT_NONE, 0, 0,
         api_consent_template_list},
        {HTTP_POST, "/api/v1/consent-templates", ROLE_OWNER, AUDIT_CONSENT_TEMPLATE, 80 * KB,
         ROUTE_REAUTH, api_consent_template_add},
        {HTTP_GET, "/api/v1/consent-templates/{id}", ROLE_ALL, AUDIT_NONE, 0, 0,
         api_consent_template_get},
        {HTTP_POST, "/api/v1/clients/{id}/consents/preview", FRONT | ROLE_CLIENT, AUDIT_NONE,
         16 * KB, 0, api_consent_preview},
        {HTTP_POST, "/api/v1/clients/{id}/consents", FRONT | ROLE_CLIENT, AUDIT_CONSENT_GIVE,
         16 * KB, 0, api_consent_give},
        {HTTP_GET, "/api/v1/clients/{id}/consents", ROLE_ALL, AUDIT_CONSENT_READ, 0, 0,
         api_consent_list},
        {HTTP_POST, "/api/v1/consents/{id}/withdraw", FRONT | ROLE_CLIENT, AUDIT_CONSENT_WITHDRAW,
         1 * KB, 0, api_consent_withdraw},
        {HTTP_POST, "/api/v1/clients/{id}/disclosures", ROLE_OWNER | ROLE_CLINICIAN,
         AUDIT_DISCLOSURE, 1 * KB, 0, api_disclosure_make},
        {HTTP_GET, "/api/v1/clients/{id}/disclosures", ROLE_ALL, AUDIT_DISCLOSURE_LIST, 0, 0,
         api_disclosure_list},

        {HTTP_GET, "/api/v1/clients/{id}/privacy", ROLE_ALL, AUDIT_PRIVACY_PAGE, 0, 0,
         api_privacy_page},
        {HTTP_GET, "/api/v1/processing-record", ROLE_OWNER | ROLE_AUDITOR, AUDIT_NONE, 0, 0,
         api_processing_record},
        {HTTP_GET, "/api/v1/privacy-notice", 0, AUDIT_NONE, 0, ROUTE_PUBLIC, api_privacy_notice},
        /* Right of access (domain/export.h): the client themself, the owner as privacy
         * officer and the treating clinician export; access requests are also tracked by
         * the auditor. */
        {HTTP_GET, "/api/v1/clients/{id}/export", ROLE_OWNER | ROLE_CLINICIAN | ROLE_CLIENT,
         AUDIT_EXPORT, 0, ROUTE_REAUTH, api_export_get},
        {HTTP_POST, "/api/v1/clients/{id}/access-requests",
         ROLE_OWNER | ROLE_AUDITOR | ROLE_CLINICIAN | ROLE_CLIENT, AUDIT_ACCESS_REQUEST, 1 * KB, 0,
         api_access_request_create},
        {HTTP_GET, "/api/v1/clients/{id}/access-requests",
         ROLE_OWNER | ROLE_AUDITOR | ROLE_CLINICIAN | ROLE_CLIENT, AUDIT_ACCESS_REQ_READ, 0, 0,
         api_access_request_list},
        {HTTP_GET, "/api/v1/access-requests",
         ROLE_OWNER | ROLE_AUDITOR | ROLE_CLINICIAN | ROLE_SUPERVISOR, AUDIT_ACCESS_REQ_READ, 0, 0,
         api_access_request_open},
        {HTTP_POST, "/api/v1/access-requests/{id}/extend",
         ROLE_OWNER | ROLE_AUDITOR | ROLE_CLINICIAN, AUDIT_ACCESS_REQ_EXTEND, 4 * KB, 0,
         api_access_request_extend},
        {HTTP_POST, "/api/v1/clients/{id}/erasure-requests",
         ROLE_OWNER | ROLE_AUDITOR | ROLE_CLIENT, AUDIT_ERASURE_REQUEST, 1 * KB, ROUTE_REAUTH,
         api_erasure_request},
        {HTTP_GET, "/api/v1/erasure-requests", ROLE_OWNER | ROLE_AUDITOR, AUDIT_ERASURE_READ, 0, 0,
         api_erasure_list},
        {HTTP_GET, "/api/v1/erasure-requests/{id}", ROLE_OWNER | ROLE_AUDITOR, AUDIT_ERASURE_READ,
         0, 0, api_erasure_get},
        {HTTP_POST, "/api/v1/clients/{id}/legal-holds", ROLE_OWNER | ROLE_AUDITOR, AUDIT_HOLD_SET,
         4 * KB, 0, api_hold_set},
        {HTTP_GET, "/api/v1/clients/{id}/legal-holds", ROLE_OWNER | ROLE_AUDITOR, AUDIT_HOLD_READ,
         0, 0, api_hold_list},
        {HTTP_POST, "/api/v1/legal-holds/{id}/release", ROLE_OWNER | ROLE_AUDITOR,
         AUDIT_HOLD_RELEASE, 4 * KB, 0, api_hold_release},
        {HTTP_POST, "/api/v1/clients/{id}/restriction", ROLE_OWNER | ROLE_AUDITOR,
         AUDIT_RESTRICT_SET, 1 * KB, 0, api_restriction_set},
        {HTTP_POST, "/api/v1/clients/{id}/restriction/lift", ROLE_OWNER | ROLE_AUDITOR,
         AUDIT_RESTRICT_LIFT, 1 * KB, 0, api_restriction_lift},
        {HTTP_POST, "/api/v1/breaches", ROLE_OWNER | ROLE_AUDITOR, AUDIT_BREACH_RECORD, 32 * KB, 0,
         api_breach_record},
        {HTTP_GET, "/api/v1/breaches", ROLE_OWNER | ROLE_AUDITOR, AUDIT_BREACH_READ, 0, 0,
         api_breach_list},
        {HTTP_GET, "/api/v1/breaches/{id}/letters", ROLE_OWNER | ROLE_AUDITOR, AUDIT_BREACH_LETTER,
         0, 0, api_breach_letters},
        {HTTP_POST, "/api/v1/research-exports", ROLE_OWNER, AUDIT_RESEARCH_EXPORT, 1 * KB,
         ROUTE_REAUTH, api_research_export},
        /* Retention rules per jurisdiction (api/retention.h). */
        {HTTP_GET, "/api/v1/retention-rules", ROLE_OWNER | ROLE_AUDITOR, AUDIT_RETENTION_READ, 0, 0,
         api_retention_list},
        {HTTP_PUT, "/api/v1/retention-rules/{code}", ROLE_OWNER, AUDIT_RETENTION_SET, 2 * KB,
         ROUTE_REAUTH, api_retention_put},
        {HTTP_DELETE, "/api/v1/retention-rules/{code}", ROLE_OWNER, AUDIT_RETENTION_DELETE, 0,
         ROUTE_REAUTH, api_retention_delete},
};
const size_t api_route_count = sizeof api_routes / sizeof api_routes[0];
