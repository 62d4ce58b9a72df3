convert inputs/mistakes.sb.txt /tmp/never-written.sb3
