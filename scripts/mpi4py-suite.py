"""The Python half of scripts/mpi4py-tests.

  python mpi4py-suite.py run TESTDIR OUTDIR MODULE    (in every rank, under brazosrun or mpirun)
      runs one module of mpi4py's test suite through the suite's own test/main.py and
      writes OUTDIR/rank-R.json: every test's outcome on this rank.
  python mpi4py-suite.py report RESULTS SCOPE [--check] NPROCS...   (once, afterwards)
      RESULTS/SIDE/NPROCS/MODULE/ holds each run's rank files and its exit status
      (status); prints per module passed/failed/errors/skipped under each side, and the
      tests that pass under Open MPI but not under Brazos: those that no line of SCOPE
      (scripts/mpi4py-out-of-scope) covers one by one, the others counted by line.
      With --check the exit status is 1 when there is such a test outside SCOPE, or a
      module in scope whose run failed as a whole (timeout, crash, a rank without
      results) under either side.

A test's outcome is the worst over the ranks (error, failure, skip, pass). A run that
timed out, crashed (an exit status other than 0 or the suite's 1) or left a rank's file
missing is shown as such; with --check it fails the comparison of its module.
"""

import fnmatch
import json
import os
import sys
import unittest

SEVERITY = {"pass": 0, "skip": 1, "fail": 2, "error": 3}
SIDES = (("openmpi", "Open MPI"), ("brazos", "Brazos"))


def run(testdir, outdir, module):
    sys.path.insert(0, testdir)
    sys.dont_write_bytecode = True
    import main  # the suite's test/main.py

    outcomes = {}

    class RecordingResult(unittest.TextTestResult):
        def addSuccess(self, test):
            super().addSuccess(test)
            outcomes[test.id()] = "pass"

        def addFailure(self, test, err):
            super().addFailure(test, err)
            outcomes[test.id()] = "fail"

        def addError(self, test, err):
            super().addError(test, err)
            outcomes[test.id()] = "error"

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            outcomes[test.id()] = "skip"

        def addExpectedFailure(self, test, err):
            super().addExpectedFailure(test, err)
            outcomes[test.id()] = "pass"

        def addUnexpectedSuccess(self, test):
            super().addUnexpectedSuccess(test)
            outcomes[test.id()] = "fail"

        def addSubTest(self, test, subtest, err):
            super().addSubTest(test, subtest, err)
            if err is not None:
                failed = issubclass(err[0], test.failureException)
                outcomes[test.id()] = max(outcomes.get(test.id(), "pass"), "fail" if failed else "error", key=SEVERITY.get)

    class RecordingRunner(unittest.TextTestRunner):
        resultclass = RecordingResult

        def run(self, test):
            result = super().run(test)
            from mpi4py import MPI

            rank = MPI.COMM_WORLD.Get_rank()
            with open(os.path.join(outdir, f"rank-{rank}.json"), "w") as file:
                json.dump(outcomes, file)
            return result

    main.TestProgram(module=None, argv=[os.path.join(testdir, "main.py"), "--no-builddir", module],
                     testRunner=RecordingRunner, verbosity=0)


def load(directory, nprocs):
    """The outcomes of one run, and what went wrong with it as a whole ('' when nothing)."""
    try:
        with open(os.path.join(directory, "status")) as file:
            status = file.read().strip()
    except FileNotFoundError:
        return {}, "not run"
    if status == "budget":
        return {}, "not run: the runs' time budget (MPI4PY_TESTS_BUDGET) was spent"
    status = int(status or -1)
    outcomes = {}
    ranks = 0
    for rank in range(nprocs):
        try:
            with open(os.path.join(directory, f"rank-{rank}.json")) as file:
                mine = json.load(file)
        except (FileNotFoundError, json.JSONDecodeError):
            continue
        ranks += 1
        for test, outcome in mine.items():
            outcomes[test] = max(outcomes.get(test, "pass"), outcome, key=SEVERITY.get)
    if status in (124, 137):
        return outcomes, "timeout"
    if ranks < nprocs:
        return outcomes, f"exit {status}, {nprocs - ranks} of {nprocs} ranks gave no results"
    if status not in (0, 1):
        # The suite exits 1 when a test fails; anything else (a signal, a launcher's own
        # code) went wrong after the results were written, in MPI_Finalize for instance.
        return outcomes, f"exit {status} after every rank gave its results"
    return outcomes, ""


def counts(outcomes):
    values = list(outcomes.values())
    return "/".join(str(values.count(kind)) for kind in ("pass", "fail", "error", "skip"))


def read_scope(path):
    """The lines of scripts/mpi4py-out-of-scope: (pattern, reason), in file order."""
    entries = []
    with open(path) as file:
        for number, line in enumerate(file, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            pattern, _, reason = line.partition(" ")
            if not reason.strip():
                sys.exit(f"{path}:{number}: '{pattern}' has no reason")
            entries.append((pattern, reason.strip()))
    return entries


def covering(entries, test):
    """The first line of the scope file that covers a test id, or None."""
    module = test.split(".", 1)[0]
    for pattern, _ in entries:
        if ("." not in pattern and pattern == module) or fnmatch.fnmatchcase(test, pattern):
            return pattern
    return None


def report(results, scope, check, nprocs_list):
    entries = read_scope(scope)
    used = set()
    ran = set()
    offending_total = 0
    for nprocs in nprocs_list:
        plural = "es" if nprocs > 1 else ""
        modules = set()
        for side, _ in SIDES:
            directory = os.path.join(results, side, str(nprocs))
            if os.path.isdir(directory):
                modules.update(os.listdir(directory))
        modules = sorted(modules)
        ran.update(modules)
        print(f"\nmpi4py test suite, {nprocs} process{plural}: passed/failed/errors/skipped per module")
        print(f"{'module':<26} {'Open MPI':<16} {'Brazos':<16} note")
        totals = {side: {} for side, _ in SIDES}
        offending = []
        covered = {}
        broken = []
        for module in modules:
            row = {}
            notes = []
            in_scope = covering(entries, module) != module
            troubles = {}
            for side, label in SIDES:
                outcomes, trouble = load(os.path.join(results, side, str(nprocs), module), nprocs)
                row[side] = outcomes
                totals[side].update(outcomes)
                if trouble:
                    notes.append(f"{label}: {trouble}")
                    troubles[side] = f"{label}: {trouble}"
            lost = []
            for test, outcome in sorted(row["openmpi"].items()):
                if outcome == "pass" and row["brazos"].get(test) != "pass":
                    line = covering(entries, test)
                    if line is None:
                        lost.append((test, row["brazos"].get(test, "not run")))
                    else:
                        used.add(line)
                        covered[line] = covered.get(line, 0) + 1
            if in_scope and troubles:
                # A run that failed as a whole is one offence, not one per test it took along.
                broken.append(f"{module}: {'; '.join(troubles.values())} ({len(lost)} tests that pass under Open MPI not passed under Brazos)")
            else:
                offending.extend(lost)
            print(f"{module:<26} {counts(row['openmpi']):<16} {counts(row['brazos']):<16} {'; '.join(notes)}")
        print(f"{'total':<26} {counts(totals['openmpi']):<16} {counts(totals['brazos']):<16}")
        print(f"\npass under Open MPI but not under Brazos, {nprocs} process{plural}: "
              f"{len(offending) + sum(covered.values())}, of which {sum(covered.values())} out of scope "
              f"({os.path.basename(scope)}) and {len(offending)} in scope")
        for pattern, _ in entries:
            if pattern in covered:
                print(f"  out of scope: {covered[pattern]:>4}  {pattern}")
        for test, outcome in offending:
            print(f"  IN SCOPE: {test}: {outcome} under Brazos")
        for trouble in broken:
            print(f"  IN SCOPE, no comparison: {trouble}")
        offending_total += len(offending) + len(broken)
    # Whole modules are there so as not to be run; a test's line that covered nothing may be stale.
    unused = [pattern for pattern, _ in entries if "." in pattern and pattern not in used and pattern.split(".", 1)[0] in ran]
    if unused:
        print(f"\nlines of {os.path.basename(scope)} that covered nothing in this run (remove them if their part has come in): "
              + ", ".join(unused))
    if check:
        if offending_total:
            print(f"\nmpi4py-tests --check: FAILED: {offending_total} in scope (above): tests that pass under Open MPI "
                  "and not under Brazos, or modules whose run failed as a whole")
            return 1
        print("\nmpi4py-tests --check: every test in scope that passes under Open MPI passes under Brazos")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"] and len(sys.argv) == 5:
        run(*sys.argv[2:])
    elif sys.argv[1:2] == ["report"] and len(sys.argv) >= 5:
        check = sys.argv[4] == "--check"
        sys.exit(report(sys.argv[2], sys.argv[3], check, [int(n) for n in sys.argv[4 + check:]]))
    else:
        sys.exit(__doc__)
