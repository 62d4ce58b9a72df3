run inputs/hello_project.bin
