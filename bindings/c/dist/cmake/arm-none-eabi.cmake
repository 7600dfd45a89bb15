# A bare-metal Cortex-M toolchain: the GNU Arm compiler (arm-none-eabi-gcc) on PATH, no OS.
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -DOPAYGO_CPU=cortex-m0plus ...
# (OPAYGO_CPU: any -mcpu of a Cortex-M; cortex-m3 by default.)
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(OPAYGO_CPU cortex-m3 CACHE STRING "the Cortex-M core (-mcpu)")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES OPAYGO_CPU)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
# The core's flags for every compile and link (the link picks the C library built for it), kept
# apart from CMAKE_C_FLAGS, which a -DCMAKE_C_FLAGS=... on the command line replaces.
add_compile_options(-mcpu=${OPAYGO_CPU} -mthumb)
add_link_options(-mcpu=${OPAYGO_CPU} -mthumb)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
