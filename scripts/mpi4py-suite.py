"""The Python half of scripts/mpi4py-tests.

  python mpi4py-suite.py run TESTDIR OUTDIR MODULE    (in every rank, under brazosrun or mpirun)
      runs one module of mpi4py's test suite through the suite's own test/main.py and
      writes OUTDIR/rank-R.json: every test's outcome on this rank.
  python mpi4py-suite.py report RESULTS NPROCS...     (once, afterwards)
      RESULTS/SIDE/NPROCS/MODULE/ holds each run's rank files and its exit status
      (status); prints per module passed/failed/errors/skipped under each side, and the
      tests that pass under Open MPI but not under Brazos.

A test's outcome is the worst over the ranks (error, failure, skip, pass). A run that
timed out, crashed or left a rank's file missing is shown as such; its tests count as
not passed.
"""

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
            status = int(file.read().strip() or -1)
    except FileNotFoundError:
        return {}, "not run"
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
    return outcomes, ""


def counts(outcomes):
    values = list(outcomes.values())
    return "/".join(str(values.count(kind)) for kind in ("pass", "fail", "error", "skip"))


def report(results, nprocs_list):
    for nprocs in nprocs_list:
        modules = set()
        for side, _ in SIDES:
            directory = os.path.join(results, side, str(nprocs))
            if os.path.isdir(directory):
                modules.update(os.listdir(directory))
        modules = sorted(modules)
        print(f"\nmpi4py test suite, {nprocs} process{'es' if nprocs > 1 else ''}: passed/failed/errors/skipped per module")
        print(f"{'module':<26} {'Open MPI':<16} {'Brazos':<16} note")
        totals = {side: {} for side, _ in SIDES}
        missing = []
        for module in modules:
            row = {}
            notes = []
            for side, label in SIDES:
                outcomes, trouble = load(os.path.join(results, side, str(nprocs), module), nprocs)
                row[side] = outcomes
                totals[side].update(outcomes)
                if trouble:
                    notes.append(f"{label}: {trouble}")
            for test, outcome in sorted(row["openmpi"].items()):
                if outcome == "pass" and row["brazos"].get(test) != "pass":
                    missing.append((test, row["brazos"].get(test, "not run")))
            print(f"{module:<26} {counts(row['openmpi']):<16} {counts(row['brazos']):<16} {'; '.join(notes)}")
        print(f"{'total':<26} {counts(totals['openmpi']):<16} {counts(totals['brazos']):<16}")
        print(f"\npass under Open MPI but not under Brazos, {nprocs} process{'es' if nprocs > 1 else ''}: {len(missing)}")
        for test, outcome in missing:
            print(f"  {test}: {outcome}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"] and len(sys.argv) == 5:
        run(*sys.argv[2:])
    elif sys.argv[1:2] == ["report"] and len(sys.argv) >= 4:
        report(sys.argv[2], [int(n) for n in sys.argv[3:]])
    else:
        sys.exit(__doc__)
