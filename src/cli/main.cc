#include "cli/command.h"

int main(int argc, char** argv) { return kstack::cli::run(argc, argv); }
