// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_sockinfo: can this kernel create AF_SMC (or TCP) sockets? Used by the VM
 * rig to check that the module is loaded. Optionally binds and listens on the
 * loopback address to check that a socket is actually usable.
 */
#include "common.h"

#include <getopt.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fprintf(o,
		"Usage: smcr_sockinfo [--family smc|tcp] [-4|-6|--both] [--listen] [--addr A]\n"
		"\n"
		"Creates a SOCK_STREAM socket of the family (default smc: AF_SMC with\n"
		"SMCPROTO_SMC for -4, SMCPROTO_SMC6 for -6; --both checks both) and reports\n"
		"SO_DOMAIN/SO_TYPE/SO_PROTOCOL. --listen also binds to --addr (default\n"
		"loopback) port 0 and listens.\n"
		"\n"
		"Output: one 'SOCKET ok|fail ...' line per socket checked, then\n"
		"  RESULT ok family=F checked=N\n"
		"  RESULT fail site=socket|bind|listen|getsockopt errno=ENAME msg=TEXT\n"
		"\n"
		"Exit codes: 0 ok, 1 usage, 2 the socket could not be created or used\n"
		"(errno in the RESULT line, e.g. EAFNOSUPPORT: AF_SMC not available).\n");
}

static int check(const struct fam *f, bool do_listen, const char *addr)
{
	int fd = fam_socket(f, SOCK_CLOEXEC), dom = -1, type = -1, proto = -1;
	socklen_t l = sizeof(int);
	const char *v = f->af == AF_INET6 ? "ipv6" : "ipv4";

	if (fd < 0) {
		int e = errno;

		printf("SOCKET fail family=%s %s errno=%s\n", fam_name(f->smc), v, errname(e));
		print_fail("socket", e, "socket(%s, %s): %s", fam_name(f->smc), v, strerror(e));
		return EXIT_SETUP;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &(socklen_t){ sizeof(int) }) ||
	    getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &(socklen_t){ sizeof(int) })) {
		int e = errno;

		print_fail("getsockopt", e, "SO_DOMAIN/SO_TYPE/SO_PROTOCOL: %s", strerror(e));
		return EXIT_SETUP;
	}
	printf("SOCKET ok family=%s %s fd=%d domain=%d type=%d protocol=%d", fam_name(f->smc), v, fd,
	       dom, type, proto);
	if (do_listen) {
		struct sockaddr_storage ss;
		socklen_t sl;

		if (make_sockaddr(f->af, addr ? addr : loopback_addr(f->af), 0, &ss, &sl)) {
			printf("\n");
			die_fail(EXIT_USAGE, "addr", EINVAL, "bad --addr '%s'", addr);
		}
		if (bind(fd, (struct sockaddr *)&ss, sl)) {
			int e = errno;

			printf("\n");
			print_fail("bind", e, "bind: %s", strerror(e));
			return EXIT_SETUP;
		}
		if (listen(fd, 8)) {
			int e = errno;

			printf("\n");
			print_fail("listen", e, "listen: %s", strerror(e));
			return EXIT_SETUP;
		}
		sl = sizeof(ss);
		getsockname(fd, (struct sockaddr *)&ss, &sl);
		printf(" listen_port=%u", sockaddr_port(&ss));
	}
	printf("\n");
	close(fd);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	enum { O_FAMILY = 256, O_BOTH, O_LISTEN, O_ADDR };
	static const struct option lo[] = {
		{ "family", required_argument, 0, O_FAMILY },
		{ "both", no_argument, 0, O_BOTH },
		{ "listen", no_argument, 0, O_LISTEN },
		{ "addr", required_argument, 0, O_ADDR },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct fam f = { .smc = true, .af = AF_INET };
	bool both = false, do_listen = false;
	const char *addr = NULL;
	int c, rc, n = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "46h", lo, NULL)) != -1) {
		switch (c) {
		case '4': f.af = AF_INET; both = false; break;
		case '6': f.af = AF_INET6; both = false; break;
		case 'h': usage(stdout); return EXIT_OK;
		case O_FAMILY:
			if (parse_family(optarg, &f.smc)) {
				fprintf(stderr, "smcr_sockinfo: --family smc|tcp\n");
				return EXIT_USAGE;
			}
			break;
		case O_BOTH: both = true; break;
		case O_LISTEN: do_listen = true; break;
		case O_ADDR: addr = optarg; break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "smcr_sockinfo: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (both && addr) {
		fprintf(stderr, "smcr_sockinfo: --addr needs -4 or -6, not --both\n");
		return EXIT_USAGE;
	}
	if (both) {
		f.af = AF_INET;
		rc = check(&f, do_listen, addr);
		n++;
		if (!rc) {
			f.af = AF_INET6;
			rc = check(&f, do_listen, addr);
			n++;
		}
	} else {
		rc = check(&f, do_listen, addr);
		n++;
	}
	if (!rc)
		printf("RESULT ok family=%s checked=%d\n", fam_name(f.smc), n);
	return rc;
}
