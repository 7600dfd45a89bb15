# find_package(opaygo): the targets opaygo::<profile> of an installed opaygo-wasm C library.
include("${CMAKE_CURRENT_LIST_DIR}/opaygoTargets.cmake")
