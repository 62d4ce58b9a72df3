convert inputs/hello_project.bin
