/* keylog.c: LD_PRELOAD library that makes an OpenSSL 3 program write its TLS secrets
 * in the NSS key-log format (CLIENT_RANDOM ..., CLIENT_HANDSHAKE_TRAFFIC_SECRET ..., ...).
 *
 * OpenSSL 3.0 has no SSLKEYLOGFILE support of its own. This library wraps SSL_CTX_new and
 * installs SSL_CTX_set_keylog_callback on every context the program creates; each line goes to
 * the file named by $RDPT_KEYLOG (appended, one write per line). Used by samples/lab.sh on
 * xfreerdp only; it changes nothing on the wire.
 *
 * One knob changes the client, for one scenario only: when $RDPT_TLS_MAX is "1.2", every SSL
 * object the program creates gets SSL_set_max_proto_version(TLS1_2_VERSION), i.e. a client that
 * cannot do TLS 1.3 (as one built against an older TLS library). xfreerdp sets its own version
 * range and ignores OPENSSL_CONF, so this is the only way to cap it without rebuilding it.
 *
 * Build: gcc -shared -fPIC -O2 -o keylog.so keylog.c -ldl -lssl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void rdpt_keylog_line(const SSL *ssl, const char *line)
{
	(void)ssl;
	const char *path = getenv("RDPT_KEYLOG");
	if (!path || !*path || !line)
		return;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	size_t n = strlen(line);
	char *buf = malloc(n + 1);
	if (buf) {
		memcpy(buf, line, n);
		buf[n] = '\n';
		ssize_t w = write(fd, buf, n + 1);
		(void)w;
		free(buf);
	}
	close(fd);
}

SSL_CTX *SSL_CTX_new(const SSL_METHOD *method)
{
	static SSL_CTX *(*real_new)(const SSL_METHOD *);
	if (!real_new)
		real_new = (SSL_CTX * (*)(const SSL_METHOD *)) dlsym(RTLD_NEXT, "SSL_CTX_new");
	if (!real_new)
		return NULL;
	SSL_CTX *ctx = real_new(method);
	if (ctx)
		SSL_CTX_set_keylog_callback(ctx, rdpt_keylog_line);
	return ctx;
}

SSL_CTX *SSL_CTX_new_ex(OSSL_LIB_CTX *libctx, const char *propq, const SSL_METHOD *method)
{
	static SSL_CTX *(*real_new_ex)(OSSL_LIB_CTX *, const char *, const SSL_METHOD *);
	if (!real_new_ex)
		real_new_ex = (SSL_CTX * (*)(OSSL_LIB_CTX *, const char *, const SSL_METHOD *))
		    dlsym(RTLD_NEXT, "SSL_CTX_new_ex");
	if (!real_new_ex)
		return NULL;
	SSL_CTX *ctx = real_new_ex(libctx, propq, method);
	if (ctx)
		SSL_CTX_set_keylog_callback(ctx, rdpt_keylog_line);
	return ctx;
}

SSL *SSL_new(SSL_CTX *ctx)
{
	static SSL *(*real_ssl_new)(SSL_CTX *);
	if (!real_ssl_new)
		real_ssl_new = (SSL * (*)(SSL_CTX *)) dlsym(RTLD_NEXT, "SSL_new");
	if (!real_ssl_new)
		return NULL;
	SSL *ssl = real_ssl_new(ctx);
	const char *max = getenv("RDPT_TLS_MAX");
	if (ssl && max && strcmp(max, "1.2") == 0)
		SSL_set_max_proto_version(ssl, TLS1_2_VERSION);
	return ssl;
}
