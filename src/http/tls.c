/*
 * tls.c - the certificate and key: reading them for the server, checking
 * that GnuTLS accepts them and the cipher policy, and creating a
 * self-signed pair for a fresh install.
 *
 * Responsible for: bounded reads of PEM files, key material only in wiping
 * buffers, new key files created 0600 with O_EXCL (never over an existing
 * file).
 * Never: logs or returns key material or file contents, or overwrites a
 * file.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "http/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "core/mem.h"

#define SELFSIGNED_DAYS 397       /* browsers refuse longer lifetimes */
#define SELFSIGNED_BACKDATE_S 300 /* tolerate a client clock a little behind */
#define SERIAL_BYTES 16

/* ---- reading ----------------------------------------------------------- */

/* read_file - the whole file into b (bounded by b->max). */
static enum err read_file(const char *path, struct buf *b)
{
	char chunk[4096];
	enum err rc = ERR_OK;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ERR_IO;
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ERR_IO;
			break;
		}
		if (n == 0)
			break;
		rc = buf_append(b, chunk, (size_t)n);
		if (rc != ERR_OK)
			break;
	}
	mem_wipe(chunk, sizeof chunk);
	close(fd);
	return rc;
}

enum err http_tls_load(const char *cert_path, const char *key_path, struct buf *cert,
                       struct buf *key)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_datum_t dc, dk;
	enum err rc;

	if (cert_path == NULL || key_path == NULL)
		return ERR_INVAL;
	rc = read_file(cert_path, cert);
	if (rc == ERR_OK)
		rc = read_file(key_path, key);
	if (rc == ERR_TOOBIG)
		rc = ERR_CRYPTO; /* no certificate or key we accept is this big */
	if (rc != ERR_OK)
		goto out;
	if (cert->len == 0 || key->len == 0 || cert->len > UINT32_MAX || key->len > UINT32_MAX) {
		rc = ERR_CRYPTO;
		goto out;
	}
	rc = ERR_CRYPTO;
	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		cred = NULL;
		goto out;
	}
	dc.data = (unsigned char *)cert->data;
	dc.size = (unsigned)cert->len;
	dk.data = (unsigned char *)key->data;
	dk.size = (unsigned)key->len;
	/* also checks that the key belongs to the certificate */
	if (gnutls_certificate_set_x509_key_mem2(cred, &dc, &dk, GNUTLS_X509_FMT_PEM, NULL, 0) < 0)
		goto out;
	rc = ERR_OK;
out:
	if (cred != NULL)
		gnutls_certificate_free_credentials(cred);
	return rc;
}

enum err http_tls_priorities_check(void)
{
	gnutls_priority_t prio;
	const char *errpos = NULL;

	if (gnutls_priority_init(&prio, HTTP_TLS_PRIORITIES, &errpos) < 0)
		return ERR_CRYPTO;
	gnutls_priority_deinit(prio);
	return ERR_OK;
}

/* ---- writing ----------------------------------------------------------- */

/* write_new - create path (which must not exist) 0600 and write data.
 * ERR_CONFLICT if it exists; on a failed write the file is removed. */
static enum err write_new(const char *path, const unsigned char *data, size_t len)
{
	enum err rc = ERR_IO;
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errno == EEXIST ? ERR_CONFLICT : ERR_IO;
	while (done < len) {
		n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		done += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto out;
	rc = ERR_OK;
out:
	if (close(fd) != 0 && rc == ERR_OK)
		rc = ERR_IO;
	if (rc != ERR_OK)
		unlink(path);
	return rc;
}

/* build_cert - fill crt as a self-signed server certificate for key. */
static int build_cert(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
	static const char cn[] = "localhost";
	unsigned char serial[SERIAL_BYTES];
	unsigned char ip4[4], ip6[16];
	unsigned char kid[64];
	size_t kidlen = sizeof kid;
	time_t now = time(NULL);

	if (getrandom(serial, sizeof serial, 0) != (ssize_t)sizeof serial)
		return -1;
	serial[0] &= 0x7f; /* a positive INTEGER */
	serial[0] |= 0x01; /* ... of full length */
	if (inet_pton(AF_INET, "127.0.0.1", ip4) != 1 || inet_pton(AF_INET6, "::1", ip6) != 1)
		return -1;

	if (gnutls_x509_crt_set_version(crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(crt, serial, sizeof serial) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, sizeof cn - 1) <
	            0 ||
	    gnutls_x509_crt_set_activation_time(crt, now - SELFSIGNED_BACKDATE_S) < 0 ||
	    gnutls_x509_crt_set_expiration_time(crt, now + (time_t)SELFSIGNED_DAYS * 24 * 60 * 60) <
	            0 ||
	    gnutls_x509_crt_set_key(crt, key) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, cn, sizeof cn - 1,
	                                         GNUTLS_FSAN_APPEND) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip4, sizeof ip4,
	                                         GNUTLS_FSAN_APPEND) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip6, sizeof ip6,
	                                         GNUTLS_FSAN_APPEND) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(crt, 0, -1) < 0 ||
	    gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE) < 0 ||
	    gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0) < 0)
		return -1;
	if (gnutls_x509_crt_get_key_id(crt, 0, kid, &kidlen) < 0 ||
	    gnutls_x509_crt_set_subject_key_id(crt, kid, kidlen) < 0)
		return -1;
	if (gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0)
		return -1;
	return 0;
}

enum err tls_selfsigned_create(const char *cert_path, const char *key_path)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t kpem = {NULL, 0};
	gnutls_datum_t cpem = {NULL, 0};
	int key_written = 0;
	enum err rc = ERR_CRYPTO;

	if (cert_path == NULL || key_path == NULL)
		return ERR_INVAL;
	if (gnutls_x509_privkey_init(&key) < 0) {
		key = NULL;
		goto out;
	}
	if (gnutls_x509_crt_init(&crt) < 0) {
		crt = NULL;
		goto out;
	}
	if (gnutls_x509_privkey_generate2(key, GNUTLS_PK_ECDSA,
	                                  GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0, NULL,
	                                  0) < 0)
		goto out;
	if (build_cert(crt, key) != 0)
		goto out;
	if (gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
	                                      &kpem) < 0)
		goto out;
	if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cpem) < 0)
		goto out;

	rc = write_new(key_path, kpem.data, kpem.size);
	if (rc != ERR_OK)
		goto out;
	key_written = 1;
	rc = write_new(cert_path, cpem.data, cpem.size);
	if (rc != ERR_OK)
		goto out;
	key_written = 0; /* both written: keep them */
out:
	if (key_written)
		unlink(key_path);
	if (kpem.data != NULL) {
		mem_wipe(kpem.data, kpem.size);
		gnutls_free(kpem.data);
	}
	if (cpem.data != NULL)
		gnutls_free(cpem.data);
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	if (key != NULL)
		gnutls_x509_privkey_deinit(key);
	return rc;
}
