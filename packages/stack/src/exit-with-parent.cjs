// Preloaded (node --require) into the Node processes the stack starts, such as Vite. The
// stack keeps our stdin as an open pipe and never writes to it; when the stack is gone,
// however it died, the pipe ends and we exit instead of lingering as an orphan.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
