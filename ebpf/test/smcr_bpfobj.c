// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_bpfobj: writes the BPF test objects of the VM suite "policy" (built from ebpf/test/NAME.bpf.c
 * and embedded here, since the rig copies executables only) into a directory:
 *   tcp_all.o     a valid policy of the user's own: plain TCP for everything (connect4 + connect6)
 *   bad_ret.o     a connect4 program the verifier refuses (return value not 0/1)
 *   wrong_type.o  a sock_addr program of the wrong attach type (bind4)
 * Usage: smcr_bpfobj DIR
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SMCR_EMBED(name, path)						\
	__asm__(".section .rodata\n"					\
		".global " #name "_start\n" #name "_start:\n"		\
		".incbin \"" path "\"\n"				\
		".global " #name "_end\n" #name "_end:\n"		\
		".previous\n");						\
	extern const char name##_start[], name##_end[]

SMCR_EMBED(tcp_all, SMCR_OBJ_TCP_ALL);
SMCR_EMBED(bad_ret, SMCR_OBJ_BAD_RET);
SMCR_EMBED(wrong_type, SMCR_OBJ_WRONG_TYPE);

static int put(const char *dir, const char *name, const char *start, const char *end)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(start, 1, (size_t)(end - start), f) != (size_t)(end - start) || fclose(f)) {
		fprintf(stderr, "smcr_bpfobj: %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("%s\n", path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "Usage: smcr_bpfobj DIR\n");
		return 1;
	}
	return put(argv[1], "tcp_all.o", tcp_all_start, tcp_all_end) ||
	       put(argv[1], "bad_ret.o", bad_ret_start, bad_ret_end) ||
	       put(argv[1], "wrong_type.o", wrong_type_start, wrong_type_end);
}
