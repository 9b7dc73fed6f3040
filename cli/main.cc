#include <iostream>

#include "cli/app.h"

int main(int argc, char** argv) { return kg::cli::RunKg(argc, argv, std::cout, std::cerr); }
