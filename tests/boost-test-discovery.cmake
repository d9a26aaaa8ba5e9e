# SPDX-License-Identifier: GPL-2.0-only
# One ctest test per Boost.Test case, found after each build by asking the executable
# (--list_content), like gtest_discover_tests(). `ctest -R name` then runs one case.
set(SIM_BOOST_LIST_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/boost-test-list.cmake)

function(sim_add_boost_tests target)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}-tests.cmake")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:${target}> -DOUT=${out}
            -DWORKDIR=${CMAKE_SOURCE_DIR} -P ${SIM_BOOST_LIST_SCRIPT}
    VERBATIM)
  set(wrapper "${CMAKE_CURRENT_BINARY_DIR}/${target}-include.cmake")
  file(WRITE ${wrapper} "if(EXISTS \"${out}\")\n  include(\"${out}\")\nelse()\n  add_test(${target}-not-built ${target}-not-built)\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${wrapper})
endfunction()
