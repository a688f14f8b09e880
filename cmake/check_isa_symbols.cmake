# Fails the build if an object compiled for instruction set ISA defines an external symbol
# outside namespace isingvi::kernels::ISA (see isingvi_isa_kernel in CMakeLists.txt): such a
# symbol (an inline function, a template instantiation) may be chosen by the linker for
# callers compiled for any CPU, and crash CPUs without ISA.
foreach(obj IN LISTS OBJECTS)
  execute_process(COMMAND ${NM} -C -g --defined-only ${obj} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${obj}")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  foreach(line IN LISTS lines)
    if(line STREQUAL "")
      continue()
    endif()
    if(NOT line MATCHES "^[0-9a-fA-F]* *[A-Za-z] isingvi::kernels::${ISA}::")
      message(FATAL_ERROR "${obj} (built for ${ISA}) exports a symbol outside isingvi::kernels::${ISA}:\n  ${line}")
    endif()
  endforeach()
endforeach()
