import { createRouter, createWebHashHistory } from 'vue-router';
import { useSessionStore } from './stores/session';
import AuditView from './views/AuditView.vue';
import BackupsView from './views/BackupsView.vue';
import CeremonyView from './views/CeremonyView.vue';
import KeysView from './views/KeysView.vue';
import MasterKeyView from './views/MasterKeyView.vue';
import RestoreView from './views/RestoreView.vue';
import SettingsView from './views/SettingsView.vue';
import UnlockView from './views/UnlockView.vue';
import WelcomeView from './views/WelcomeView.vue';

// Hash history: the app is served from custos://app/index.html and needs no server-side routes.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'welcome', component: WelcomeView, meta: { title: 'Welcome' } },
    { path: '/restore', name: 'restore', component: RestoreView, meta: { title: 'Restore from shares' } },
    { path: '/unlock/:id', name: 'unlock', component: UnlockView, props: true, meta: { title: 'Unlock' } },
    { path: '/keys', name: 'keys', component: KeysView, meta: { title: 'Keys', unlocked: true } },
    { path: '/ceremony', name: 'ceremony', component: CeremonyView, meta: { title: 'Key ceremony', unlocked: true } },
    // A ceremony begun on the Welcome screen: steps 1 and 2 need no vault; step 3 creates it (docs/app.md).
    { path: '/ceremony/start', name: 'ceremony-start', component: CeremonyView, meta: { title: 'Key ceremony' } },
    { path: '/master-key', name: 'master-key', component: MasterKeyView, meta: { title: 'Master key', unlocked: true } },
    { path: '/backups', name: 'backups', component: BackupsView, meta: { title: 'Backups', unlocked: true } },
    { path: '/audit', name: 'audit', component: AuditView, meta: { title: 'Audit log', unlocked: true } },
    { path: '/settings', name: 'settings', component: SettingsView, meta: { title: 'Settings', unlocked: true } },
    { path: '/:rest(.*)', redirect: '/' },
  ],
});

router.beforeEach((to) => {
  if (to.meta['unlocked'] && !useSessionStore().unlocked) return { name: 'welcome' };
  return true;
});

router.afterEach((to) => {
  document.title = `${String(to.meta['title'] ?? '')} · Custos`;
});
