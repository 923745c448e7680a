// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Plain driver for libFuzzer targets, for compilers without libFuzzer (gcc) and for CI: feeds
 * every file given (directories are walked one level) to LLVMFuzzerTestOneInput(), and with
 * --mutate also every truncation and every single-byte change of each file, a cheap
 * deterministic stand-in for fuzzing around the seeds.
 *
 * Usage: <target>_fuzz_replay [--mutate] FILE|DIR...
 * Exit status: 0 if all inputs ran (a failing check aborts), 1 on usage or I/O errors or if no
 * input was found.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long runs;

static void run(const uint8_t *data, size_t size)
{
	/* Exactly sized heap copy, so that sanitizers see over-reads. */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy) {
		perror("malloc");
		exit(1);
	}
	memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
	runs++;
}

static void mutate(const uint8_t *data, size_t size)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x02, 0x08, 0x10, 0x20, 0x28, 0x7f,
					  0x80, 0xc4, 0xd9, 0xfe, 0xff };
	uint8_t *b = malloc(size ? size : 1);
	size_t i, n, v;

	if (!b) {
		perror("malloc");
		exit(1);
	}
	for (n = 0; n < size; n++)
		run(data, n);
	for (i = 0; i < size; i++) {
		for (v = 0; v < sizeof(values); v++) {
			memcpy(b, data, size);
			b[i] = values[v];
			run(b, size);
			memcpy(b, data, size);
			b[i] ^= (uint8_t)(1u << (v % 8));
			run(b, size);
		}
	}
	free(b);
}

static int run_file(const char *path, int do_mutate)
{
	uint8_t *data;
	long size;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		fclose(f);
		return -1;
	}
	data = malloc(size ? (size_t)size : 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "%s: read error\n", path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	run(data, (size_t)size);
	if (do_mutate)
		mutate(data, (size_t)size);
	free(data);
	return 1;
}

static int run_path(const char *path, int do_mutate)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char sub[4096];
	int files = 0, rc;

	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path, do_mutate);
	d = opendir(path);
	if (!d) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (stat(sub, &st) || !S_ISREG(st.st_mode))
			continue;
		rc = run_file(sub, do_mutate);
		if (rc < 0) {
			closedir(d);
			return -1;
		}
		files += rc;
	}
	closedir(d);
	return files;
}

int main(int argc, char **argv)
{
	int i, rc, files = 0, do_mutate = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mutate")) {
			do_mutate = 1;
			continue;
		}
		rc = run_path(argv[i], do_mutate);
		if (rc < 0)
			return 1;
		files += rc;
	}
	if (!files) {
		fprintf(stderr, "usage: %s [--mutate] FILE|DIR... (no input found)\n", argv[0]);
		return 1;
	}
	printf("%s: %d files, %lu runs, all passed\n", argv[0], files, runs);
	return 0;
}
