// brazoscxx: compiles and links C++ MPI programs against Brazos, as mpicxx does for
// OpenMPI (BrazosWrapper/Wrapper.swift says how; $BRAZOS_CXX is the compiler, else g++).
import BrazosWrapper

Wrapper.cxx.run()
