// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_asuser: run a command as an unprivileged user (default uid/gid 65534, "nobody"), with no
 * supplementary groups and, since the uid changes away from 0, no capabilities. For tests that
 * check what an ordinary user may and may not do.
 *
 *   smcr_asuser [--uid N] [--gid N] COMMAND [ARG...]
 *
 * Exit: COMMAND's status; 1 usage; 2 the identity change failed; 127 exec failed.
 */
#include "common.h"

#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: smcr_asuser [--uid N] [--gid N] COMMAND [ARG...]\n");
	return 1;
}

static bool parse_id(const char *s, unsigned long *out)
{
	char *end = NULL;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return s[0] && !*end && !errno && *out < 0xffffffffUL;
}

int main(int argc, char **argv)
{
	unsigned long uid = 65534, gid = 65534;
	int i = 1;

	while (i + 1 < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--uid") && parse_id(argv[i + 1], &uid))
			i += 2;
		else if (!strcmp(argv[i], "--gid") && parse_id(argv[i + 1], &gid))
			i += 2;
		else if (!strcmp(argv[i], "--"))
			break;
		else
			return usage();
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc)
		return usage();

	if (setgroups(0, NULL) || setgid((gid_t)gid) || setuid((uid_t)uid)) {
		fprintf(stderr, "smcr_asuser: cannot become uid %lu gid %lu: %s\n", uid, gid,
			strerror(errno));
		return 2;
	}
	if (getuid() != uid || geteuid() != uid || (uid != 0 && setuid(0) == 0)) {
		fprintf(stderr, "smcr_asuser: identity change to uid %lu did not stick\n", uid);
		return 2;
	}
	execvp(argv[i], argv + i);
	fprintf(stderr, "smcr_asuser: cannot run %s: %s\n", argv[i], strerror(errno));
	return 127;
}
