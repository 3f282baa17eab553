// brazoscc: compiles and links C MPI programs against Brazos, as mpicc does for OpenMPI
// (BrazosWrapper/Wrapper.swift says how; $BRAZOS_CC is the compiler, else cc).
import BrazosWrapper

Wrapper.c.run()
