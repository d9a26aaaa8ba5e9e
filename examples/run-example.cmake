# SPDX-License-Identifier: GPL-2.0-only
# Runs one example for ctest: EXE with ARGS (and --out=OUT) in a fresh OUT folder. Each
# regular expression of EXPECT must match its output (stdout and stderr together;
# "EXIT n" instead checks the exit status, 0 unless told); each of FILES must be
# written in OUT, more than a pcap's 24-byte header long, and a pcap one must hold
# packets.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${EXE} ${ARGS} --out=${OUT}
  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
set(want_status 0)
foreach(e ${EXPECT})
  if(e MATCHES "^EXIT ([0-9]+)$")
    set(want_status ${CMAKE_MATCH_1})
  elseif(NOT output MATCHES "${e}")
    message(FATAL_ERROR "output does not match '${e}':\n${output}")
  endif()
endforeach()
if(NOT status EQUAL want_status)
  message(FATAL_ERROR "exit status ${status}, expected ${want_status}:\n${output}")
endif()
foreach(f ${FILES})
  if(NOT EXISTS ${OUT}/${f})
    message(FATAL_ERROR "${f} was not written")
  endif()
  file(SIZE ${OUT}/${f} size)
  if(size LESS_EQUAL 24)
    message(FATAL_ERROR "${f} is empty (${size} bytes)")
  endif()
endforeach()
message("${output}")
