/*
 * log.h - operational log lines on stderr.
 *
 * Responsible for: one line per event, "time level event key=value...".
 * Never: receives PHI. Log request ids, route patterns, status codes, counts
 * and error names; never names, free text, raw URLs or request bodies.
 * scripts/checksrc rejects log calls whose arguments look like PHI fields.
 */
#ifndef CONFIDANT_CORE_LOG_H
#define CONFIDANT_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* log_set_level - drop lines below level (default LOG_INFO). */
void log_set_level(enum log_level level);

/* log_msg - write one line: time, level, then the formatted text. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
