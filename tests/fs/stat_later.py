# SPDX-License-Identifier: MIT
# stat_later.py PATH READY GO: looks PATH up once (an O_PATH descriptor,
# which opens no handle), writes READY, waits for the file GO to exist,
# then stats the descriptor: the kernel asks the daemon with a GETATTR and
# no LOOKUP. Prints the size. For tests of waits in GETATTR.
import os
import sys
import time

fd = os.open(sys.argv[1], os.O_PATH)
with open(sys.argv[2], "w") as f:
    f.write("ready\n")
while not os.path.exists(sys.argv[3]):
    time.sleep(0.02)
print(os.stat(fd).st_size)
