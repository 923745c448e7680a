// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Writes the seed corpus of clc_fuzz: one file per hand-written vector of
 * tests/unit/clc_vectors.h, named after it. With --check, compares an existing corpus directory
 * against the vectors instead (used as a ctest test so the committed seeds cannot go stale).
 *
 * Usage: clc_corpus_gen DIR          (re)write DIR/<vector>.bin
 *        clc_corpus_gen --check DIR  exit 1 if a seed is missing or differs
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clc_vectors.h"

static int write_one(const char *path, const struct clc_vector *v)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(v->data, 1, v->len, f) != v->len || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

static int check_one(const char *path, const struct clc_vector *v)
{
	unsigned char buf[1024];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n != v->len || memcmp(buf, v->data, n)) {
		fprintf(stderr, "%s: differs from %s in clc_vectors.h (regenerate the corpus)\n",
			path, v->name);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int check = argc == 3 && !strcmp(argv[1], "--check");
	const char *dir = argv[argc - 1];
	char path[4096];
	size_t i;
	int bad = 0;

	if (argc != 2 && !check) {
		fprintf(stderr, "usage: %s [--check] DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < CLC_VECTOR_CNT; i++) {
		snprintf(path, sizeof(path), "%s/%s.bin", dir, clc_vectors[i].name);
		if ((check ? check_one : write_one)(path, &clc_vectors[i]))
			bad = 1;
	}
	if (!bad)
		printf("%s: %zu seeds %s\n", dir, (size_t)CLC_VECTOR_CNT, check ? "match" : "written");
	return bad;
}
