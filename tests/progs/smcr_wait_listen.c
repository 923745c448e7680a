// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_wait_listen: wait until a TCP port is in LISTEN state (or, with
 * --absent, until nothing listens on it any more), by reading /proc/net/tcp
 * and /proc/net/tcp6. An AF_SMC listener shows up there too: its internal TCP
 * (CLC) socket listens.
 */
#include "common.h"

#include <getopt.h>

#define TCP_LISTEN_STATE 0x0a

/* 1 if a LISTEN entry with local port `port` exists in `path`, 0 if not, -1 if unreadable */
static int scan(const char *path, unsigned port)
{
	FILE *f = fopen(path, "re");
	char line[512];
	int found = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) { /* header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		char local[64], remote[64];
		unsigned st, lport;
		char *colon;

		if (sscanf(line, " %*[0-9]: %63s %63s %x", local, remote, &st) != 3)
			continue;
		colon = strrchr(local, ':');
		if (!colon || sscanf(colon + 1, "%x", &lport) != 1)
			continue;
		if (lport == port && st == TCP_LISTEN_STATE) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

static void usage(FILE *o)
{
	fprintf(o,
		"Usage: smcr_wait_listen PORT [--timeout S] [-4|-6] [--absent]\n"
		"\n"
		"Waits until some socket listens on TCP port PORT (IPv4 and IPv6 by default;\n"
		"-4 / -6: only that one), polling /proc/net/tcp[6] every 20 ms. --absent:\n"
		"wait until nothing listens on it.\n"
		"\n"
		"Output: RESULT ok port=P state=listening|absent secs=S\n"
		"        RESULT fail site=timeout errno=ETIMEDOUT msg=TEXT\n"
		"Exit codes: 0 ok, 1 usage, 2 /proc/net/tcp* unreadable, 6 timeout\n"
		"(default --timeout 60).\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "timeout", required_argument, 0, 't' },
		{ "absent", no_argument, 0, 'a' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	double timeout = DEFAULT_TIMEOUT_S;
	bool v4 = true, v6 = true, absent = false;
	uint16_t port;
	int c;
	int64_t t0, dl;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "46h", lo, NULL)) != -1) {
		switch (c) {
		case '4': v4 = true; v6 = false; break;
		case '6': v6 = true; v4 = false; break;
		case 'a': absent = true; break;
		case 't':
			if (parse_double(optarg, &timeout)) {
				fprintf(stderr, "smcr_wait_listen: bad --timeout\n");
				return EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || parse_port(argv[optind], &port) || !port) {
		usage(stderr);
		return EXIT_USAGE;
	}
	t0 = now_ns();
	dl = t0 + (int64_t)(timeout * 1e9);
	for (;;) {
		int a = v4 ? scan("/proc/net/tcp", port) : 0;
		int b = v6 ? scan("/proc/net/tcp6", port) : 0;

		if ((!v4 || a < 0) && (!v6 || b < 0))
			die_fail(EXIT_SETUP, "proc", errno, "cannot read /proc/net/tcp%s",
				 v4 ? "" : "6");
		bool listening = a > 0 || b > 0;

		if (listening != absent) {
			printf("RESULT ok port=%u state=%s secs=%.3f\n", port,
			       absent ? "absent" : "listening", (double)(now_ns() - t0) / 1e9);
			return EXIT_OK;
		}
		if (now_ns() >= dl)
			die_fail(EXIT_TIMEOUT, "timeout", ETIMEDOUT, "port %u %s after %.1f s", port,
				 absent ? "still listening" : "not listening", timeout);
		sleep_ms(20);
	}
}
