/* SPDX-License-Identifier: MIT */
/*
 * `plugfest run -j N` over several targets (-t, repeated) and target
 * variable variants (--variant NAME=VALUE[,NAME=VALUE...], repeated): one
 * ordinary run per target and variant, each a child `plugfest run` in its
 * own output directory (DIR/<target>[-<variant>]/, its console output in
 * DIR/<job>.log), at most N at a time, then one matrix report over all of
 * them in DIR (`plugfest matrix`).
 */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "cli/run_internal.h"
#include "util/spawn.h"

#define MAX_TARGETS 16
#define MAX_VARIANTS 16
#define MAX_JOBS 64
#define MAX_PASS 128

struct job {
	char name[160];
	char outdir[4096];
	const char *target;
	const char *variant; /* NULL: the target's defaults */
	pid_t pid;
	long bound_ms; /* the child's own bounds, plus slack */
	double started;
	int rc; /* exit code, -1 while not finished */
};

struct matrix_opts {
	const char *targets[MAX_TARGETS];
	int ntargets;
	const char *variants[MAX_VARIANTS];
	int nvariants;
	const char *outdir;
	int jobs;
	int restarts; /* --max-restarts as given, for the children's bound */
	long timeout_s;
	char *pass[MAX_PASS]; /* every other argument, for each child */
	int npass;
};

/* Options of `plugfest run` that take a value, so a value that looks like
 * an option (--bootargs -x) is passed on, not read as one. */
static bool takes_value(const char *a)
{
	static const char *const with_value[] = {
		"-f",	      "--filter",	  "--seed",    "--probe",   "--set",
		"--bootargs", "--max-restarts",	  "--timeout", "--formats", "--max-log-bytes",
		"--profile",  "--known-failures", "--gate",
	};

	for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (!strcmp(a, with_value[i]))
			return true;
	return false;
}

/* The value of option NAME at argv[*i] ("--name V", "--name=V", "-xV"), or
 * NULL when argv[*i] is not that option. Advances *i past a separate value. */
static const char *opt_value(int argc, char **argv, int *i, const char *longname, char shortname)
{
	const char *a = argv[*i];
	size_t n = strlen(longname);

	if (!strcmp(a, longname) || (shortname && a[0] == '-' && a[1] == shortname && !a[2])) {
		if (*i + 1 >= argc)
			return "";
		return argv[++*i];
	}
	if (!strncmp(a, longname, n) && a[n] == '=')
		return a + n + 1;
	if (shortname && a[0] == '-' && a[1] == shortname && a[2])
		return a + 2;
	return NULL;
}

bool run_matrix_requested(int argc, char **argv)
{
	int targets = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-j") || !strncmp(a, "--jobs", 6) || !strncmp(a, "--variant", 9) ||
		    (a[0] == '-' && a[1] == 'j' && a[2] >= '0' && a[2] <= '9'))
			return true;
		if (!strcmp(a, "-t") || !strcmp(a, "--target") || !strncmp(a, "--target=", 9))
			targets++;
		if (takes_value(a) || !strcmp(a, "-t") || !strcmp(a, "--target") ||
		    !strcmp(a, "-o") || !strcmp(a, "--output"))
			i++;
	}
	return targets > 1;
}

static int parse(int argc, char **argv, struct matrix_opts *m)
{
	memset(m, 0, sizeof(*m));
	m->jobs = 1;
	m->restarts = 3;
	for (int i = 1; i < argc; i++) {
		const char *v;
		char *end;

		if ((v = opt_value(argc, argv, &i, "--target", 't'))) {
			if (m->ntargets == MAX_TARGETS || !*v)
				goto bad;
			m->targets[m->ntargets++] = v;
		} else if ((v = opt_value(argc, argv, &i, "--variant", 0))) {
			if (m->nvariants == MAX_VARIANTS || !*v || !strchr(v, '='))
				goto bad;
			m->variants[m->nvariants++] = v;
		} else if ((v = opt_value(argc, argv, &i, "--output", 'o'))) {
			m->outdir = v;
		} else if ((v = opt_value(argc, argv, &i, "--jobs", 'j'))) {
			m->jobs = (int)strtol(v, &end, 10);
			if (*end || m->jobs < 1 || m->jobs > MAX_JOBS)
				goto bad;
		} else if (!strcmp(argv[i], "--dry-run") || !strcmp(argv[i], "-n")) {
			fprintf(stderr, "plugfest run: --dry-run prints one target's command line: "
					"give one target, no -j or --variant\n");
			return -1;
		} else {
			const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : "";

			if (m->npass + 2 > MAX_PASS)
				goto bad;
			/* the children's own bounds, for the bound on each */
			if (!strcmp(a, "--max-restarts"))
				m->restarts = (int)strtol(next, NULL, 10);
			else if (!strncmp(a, "--max-restarts=", 15))
				m->restarts = (int)strtol(a + 15, NULL, 10);
			else if (!strcmp(a, "--timeout"))
				m->timeout_s = strtol(next, NULL, 10);
			else if (!strncmp(a, "--timeout=", 10))
				m->timeout_s = strtol(a + 10, NULL, 10);
			m->pass[m->npass++] = argv[i];
			if (takes_value(a) && i + 1 < argc)
				m->pass[m->npass++] = argv[++i];
		}
		continue;
	bad:
		fprintf(stderr,
			"plugfest run: bad or too many '%s' (at most %d targets, %d variants, "
			"-j 1..%d; a variant is NAME=VALUE[,NAME=VALUE...])\n",
			argv[i], MAX_TARGETS, MAX_VARIANTS, MAX_JOBS);
		return -1;
	}
	if (!m->ntargets)
		m->targets[m->ntargets++] = DEFAULT_TARGET;
	return 0;
}

/* "<target>" or "<target>-<variant>" with the variant's '=' and ','
 * made file-name friendly. */
static void job_name(char *out, size_t len, const struct pf_target *t, const char *variant)
{
	size_t n = (size_t)snprintf(out, len, "%s", t->name);

	if (variant && n + 1 < len) {
		out[n++] = '-';
		for (const char *p = variant; *p && n + 1 < len; p++)
			out[n++] = (*p == '=' ? '-' : *p == ',' ? '_' : *p == '/' ? '_' : *p);
		out[n] = '\0';
	}
}

/* One job per target and variant, each target loaded now so that an
 * unknown one is refused before anything starts. */
static int plan(const struct matrix_opts *m, struct job *jobs, int *njobs)
{
	char targets_dir[4096];
	const char *dirs[2] = { targets_dir, NULL };

	pf_path_join(targets_dir, sizeof(targets_dir), pf_data_dir(), "targets");
	*njobs = 0;
	for (int t = 0; t < m->ntargets; t++) {
		struct pf_error err;
		struct pf_target *tg;
		char ebuf[2048];

		pf_error_clear(&err);
		tg = pf_target_load(m->targets[t], dirs, &err);
		if (!tg) {
			fprintf(stderr, "plugfest run: %s\n",
				pf_error_format(&err, ebuf, sizeof(ebuf)));
			return -1;
		}
		for (int v = 0; v < (m->nvariants ? m->nvariants : 1); v++) {
			struct job *j = &jobs[*njobs];
			long per_boot = m->timeout_s ? m->timeout_s * 1000 : tg->overall_ms;

			if (*njobs == MAX_JOBS) {
				fprintf(stderr, "plugfest run: at most %d runs in one matrix\n",
					MAX_JOBS);
				pf_target_free(tg);
				return -1;
			}
			memset(j, 0, sizeof(*j));
			j->target = m->targets[t];
			j->variant = m->nvariants ? m->variants[v] : NULL;
			job_name(j->name, sizeof(j->name), tg, j->variant);
			for (int k = 0; k < *njobs; k++)
				if (!strcmp(jobs[k].name, j->name)) {
					size_t n = strlen(j->name);

					snprintf(j->name + n, sizeof(j->name) - n, "-%d",
						 *njobs + 1);
					break;
				}
			pf_path_join(j->outdir, sizeof(j->outdir), m->outdir, j->name);
			/* every boot of the child at its bound, plus start-up and
			 * reports */
			j->bound_ms = (long)(m->restarts + 1) * per_boot + 300000;
			j->rc = -1;
			(*njobs)++;
		}
		pf_target_free(tg);
	}
	return 0;
}

static int start(const struct matrix_opts *m, struct job *j, const char *self)
{
	char *argv[MAX_PASS + 16];
	char sets[MAX_VARIANTS][256];
	char log[4200];
	struct pf_spawn_io io;
	struct pf_error err;
	char ebuf[2048];
	int n = 0, fd, rc, ns = 0;

	argv[n++] = (char *)self;
	argv[n++] = "run";
	argv[n++] = "-t";
	argv[n++] = (char *)j->target;
	argv[n++] = "-o";
	argv[n++] = j->outdir;
	/* a variant's NAME=VALUE pairs, each a --set of its own */
	if (j->variant) {
		const char *p = j->variant;

		while (*p && ns < MAX_VARIANTS && n < (int)(sizeof(argv) / sizeof(argv[0])) - 4) {
			size_t len = strcspn(p, ",");

			snprintf(sets[ns], sizeof(sets[ns]), "%.*s", (int)len, p);
			argv[n++] = "--set";
			argv[n++] = sets[ns++];
			p += len + (p[len] == ',');
		}
	}
	for (int i = 0; i < m->npass; i++)
		argv[n++] = m->pass[i];
	argv[n] = NULL;
	snprintf(log, sizeof(log), "%s.log", j->outdir);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "plugfest run: %s: %s\n", log, strerror(errno));
		return -1;
	}
	io.in_fd = -1;
	io.out_fd = fd;
	io.err_fd = fd;
	pf_error_clear(&err);
	rc = pf_spawn(argv, &io, &j->pid, &err);
	close(fd);
	if (rc) {
		fprintf(stderr, "plugfest run: %s\n", pf_error_format(&err, ebuf, sizeof(ebuf)));
		return -1;
	}
	j->started = run_now_s();
	printf("started  %-44s pid %d, output %s\n", j->name, (int)j->pid, j->outdir);
	fflush(stdout);
	return 0;
}

/* Reaps the jobs that ended; stops one that overran its bound (a child run
 * bounds itself, so this is the last line of defence). Returns how many
 * are still running. */
static int reap(struct job *jobs, int njobs)
{
	int running = 0;

	for (int i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];
		int status;

		if (!j->pid || j->rc >= 0)
			continue;
		if (run_interrupted)
			pf_spawn_kill(j->pid, SIGTERM);
		if (!pf_spawn_exited(j->pid) &&
		    (run_now_s() - j->started) * 1000.0 < (double)j->bound_ms) {
			running++;
			continue;
		}
		if (!pf_spawn_exited(j->pid)) {
			fprintf(stderr, "plugfest run: %s overran %ld s: stopped\n", j->name,
				j->bound_ms / 1000);
			pf_spawn_kill(j->pid, SIGTERM);
			if (pf_spawn_wait(j->pid, 10000, &status) == 1) {
				pf_spawn_kill(j->pid, SIGKILL);
				pf_spawn_wait(j->pid, -1, &status);
			}
			j->rc = PF_EXIT_INFRA;
		} else {
			pf_spawn_wait(j->pid, 1000, &status);
			j->rc = WIFEXITED(status) ? WEXITSTATUS(status) : PF_EXIT_INFRA;
		}
		printf("finished %-44s exit %d after %.1f s\n", j->name, j->rc,
		       run_now_s() - j->started);
		fflush(stdout);
	}
	return running;
}

/* The matrix's exit code: a usage error first, then an incomplete run,
 * then a non-conformant one. */
static int worst(int a, int b)
{
	static const int rank[] = { [PF_EXIT_CONFORMANT] = 0,
				    [PF_EXIT_NONCONFORMANT] = 1,
				    [PF_EXIT_INFRA] = 2,
				    [PF_EXIT_USAGE] = 3 };
	int ra = a >= 0 && a <= 3 ? rank[a] : 2, rb = b >= 0 && b <= 3 ? rank[b] : 2;

	return ra >= rb ? (a >= 0 && a <= 3 ? a : PF_EXIT_INFRA) : b;
}

int run_matrix(int argc, char **argv)
{
	static struct job jobs[MAX_JOBS];
	struct matrix_opts m;
	char self[4096], outdir_buf[4096];
	char *margv[MAX_JOBS + 4];
	char results[MAX_JOBS][4200];
	struct pf_error err;
	int njobs, next = 0, rc = PF_EXIT_CONFORMANT, mrc, margc = 0;
	ssize_t n;

	if (parse(argc, argv, &m))
		return PF_EXIT_USAGE;
	if (!m.outdir) {
		run_default_outdir(outdir_buf, sizeof(outdir_buf), "matrix");
		m.outdir = outdir_buf;
	}
	if (plan(&m, jobs, &njobs))
		return PF_EXIT_USAGE;
	if (pf_mkdir_p(m.outdir, 0777, &err)) {
		fprintf(stderr, "plugfest run: cannot create output directory '%s': %s\n", m.outdir,
			strerror(err.sys_errno));
		return PF_EXIT_INFRA;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "plugfest run: cannot find this program (/proc/self/exe): %s\n",
			strerror(errno));
		return PF_EXIT_INFRA;
	}
	self[n] = '\0';
	printf("matrix: %d run(s), %d at a time, into %s\n", njobs, m.jobs, m.outdir);
	run_install_signals();
	for (;;) {
		int running = reap(jobs, njobs);

		while (!run_interrupted && next < njobs && running < m.jobs) {
			if (start(&m, &jobs[next], self))
				jobs[next].rc = PF_EXIT_INFRA;
			else
				running++;
			next++;
		}
		if (!running && (next == njobs || run_interrupted))
			break;
		usleep(100 * 1000);
	}
	margv[margc++] = "matrix";
	margv[margc++] = "-o";
	margv[margc++] = (char *)m.outdir;
	for (int i = 0; i < njobs; i++) {
		rc = worst(rc, jobs[i].rc < 0 ? PF_EXIT_INFRA : jobs[i].rc);
		pf_path_join(results[i], sizeof(results[i]), jobs[i].outdir, "results.json");
		if (!access(results[i], R_OK))
			margv[margc++] = results[i];
		else
			fprintf(stderr, "plugfest run: %s wrote no results.json (see %s.log)\n",
				jobs[i].name, jobs[i].outdir);
	}
	margv[margc] = NULL;
	if (margc > 3) {
		mrc = pf_cmd_matrix(margc, margv);
		if (mrc)
			rc = worst(rc, PF_EXIT_INFRA);
	}
	if (run_interrupted)
		rc = PF_EXIT_INFRA;
	printf("matrix: exit %d; runs in %s/<run>/, matrix report in %s\n", rc, m.outdir, m.outdir);
	return rc;
}
