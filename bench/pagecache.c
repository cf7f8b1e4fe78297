/*
 * pagecache.c - sets and reports the page-cache state of files, so that
 * `make bench` measures backup, restore and cp from the same, stated state.
 *
 *   pagecache cold FILE...   write back (fdatasync) and drop FILE's cached
 *                            pages (posix_fadvise POSIX_FADV_DONTNEED)
 *   pagecache warm FILE...   read FILE to the end, so its pages are cached
 *   pagecache count FILE...  change nothing
 *
 * After acting, prints one JSON object: {"files": N, "bytes": B,
 * "resident_bytes": R}, R counted with mincore(2) over a read-only mapping,
 * so a "cold" that did not take shows as R > 0 rather than passing silently.
 * Dirty pages cannot be dropped, hence the fdatasync first.
 * Only the named files are touched: no /proc/sys/vm/drop_caches, which
 * would empty the cache of everything else on a shared machine. Inside a
 * virtual machine the host may still cache the disk image: "cold" means
 * cold in this kernel.
 * Never writes to a file's content; exits 1 with a message on any error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_BYTES (1 << 20) /* read size when warming */

static void die(const char *what, const char *file)
{
	fprintf(stderr, "pagecache: %s: %s\n", what, file);
	exit(1);
}

/* resident - bytes of fd's first size bytes that are in the page cache. */
static unsigned long long resident(int fd, off_t size, const char *file)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pages, i;
	unsigned long long n = 0;
	unsigned char *vec;
	void *map;

	if (size == 0)
		return 0;
	pages = ((size_t)size + (size_t)page - 1) / (size_t)page;
	map = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap", file);
	vec = malloc(pages);
	if (vec == NULL)
		die("out of memory", file);
	if (mincore(map, (size_t)size, vec) != 0)
		die("mincore", file);
	for (i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	munmap(map, (size_t)size);
	n *= (unsigned long long)page;
	return n > (unsigned long long)size ? (unsigned long long)size : n;
}

int main(int argc, char **argv)
{
	unsigned long long bytes = 0, res = 0;
	const char *mode;
	static char buf[READ_BYTES];
	int i;

	if (argc < 3 || (strcmp(argv[1], "cold") != 0 && strcmp(argv[1], "warm") != 0 &&
	                 strcmp(argv[1], "count") != 0)) {
		fprintf(stderr, "usage: pagecache cold|warm|count FILE...\n");
		return 2;
	}
	mode = argv[1];
	for (i = 2; i < argc; i++) {
		struct stat st;
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fstat(fd, &st) != 0)
			die("cannot open", argv[i]);
		if (strcmp(mode, "cold") == 0) {
			if (fdatasync(fd) != 0)
				die("fdatasync", argv[i]);
			if (posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0)
				die("posix_fadvise", argv[i]);
		} else if (strcmp(mode, "warm") == 0) {
			ssize_t got;

			while ((got = read(fd, buf, sizeof buf)) > 0)
				;
			if (got < 0)
				die("read", argv[i]);
		}
		bytes += (unsigned long long)st.st_size;
		res += resident(fd, st.st_size, argv[i]);
		close(fd);
	}
	printf("{\"files\": %d, \"bytes\": %llu, \"resident_bytes\": %llu}\n", argc - 2, bytes,
	       res);
	return 0;
}
