// Loaded with `node --import` by bench/simulate-vs-parse.ts into each process it times: at exit, writes the CPU
// time the process used (user and system, every thread of it, worker threads included) to the file named by
// CAIRN_BENCH_CPU_FILE, as JSON microseconds. The machine is shared: CPU time is what load hides least.
import { writeFileSync } from 'node:fs';

const file = process.env.CAIRN_BENCH_CPU_FILE;
if (file)
  process.on('exit', () => {
    const { userCPUTime, systemCPUTime } = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userCPUTime, systemCPUTime }));
  });
