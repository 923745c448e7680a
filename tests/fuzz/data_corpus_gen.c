// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Writes the seed corpora of cdc_fuzz and llc_fuzz: one file per hand-written vector of
 * tests/unit/cdc_vectors.h or llc_vectors.h, named after it. With --check, compares an existing
 * corpus directory against the vectors instead (a ctest test, so the committed seeds cannot go
 * stale).
 *
 * Usage: data_corpus_gen cdc|llc DIR          (re)write DIR/<vector>.bin
 *        data_corpus_gen --check cdc|llc DIR  exit 1 if a seed is missing or differs
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdc_vectors.h"
#include "llc_vectors.h"

struct seed {
	const char *name;
	const unsigned char *data;
	size_t len;
};

static int write_one(const char *path, const struct seed *s)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(s->data, 1, s->len, f) != s->len || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

static int check_one(const char *path, const struct seed *s)
{
	static unsigned char buf[16384];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n != s->len || memcmp(buf, s->data, n)) {
		fprintf(stderr, "%s: differs from vector %s (regenerate the corpus)\n", path,
			s->name);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int check = argc == 4 && !strcmp(argv[1], "--check");
	const char *kind = argv[argc - 2];
	const char *dir = argv[argc - 1];
	struct seed s;
	char path[4096];
	size_t i, cnt;
	int bad = 0;

	if ((argc != 3 && !check) || (strcmp(kind, "cdc") && strcmp(kind, "llc"))) {
		fprintf(stderr, "usage: %s [--check] cdc|llc DIR\n", argv[0]);
		return 2;
	}
	cnt = !strcmp(kind, "cdc") ? CDC_VECTOR_CNT : LLC_VECTOR_CNT;
	for (i = 0; i < cnt; i++) {
		if (!strcmp(kind, "cdc")) {
			s.name = cdc_vectors[i].name;
			s.data = cdc_vectors[i].data;
			s.len = cdc_vectors[i].len;
		} else {
			s.name = llc_vectors[i].name;
			s.data = llc_vectors[i].data;
			s.len = llc_vectors[i].len;
		}
		snprintf(path, sizeof(path), "%s/%s.bin", dir, s.name);
		if (check ? check_one(path, &s) : write_one(path, &s))
			bad = 1;
	}
	if (!bad)
		printf("%s: %zu %s seeds %s\n", dir, cnt, kind, check ? "match" : "written");
	return bad;
}
