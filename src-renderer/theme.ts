import { ref, watch } from 'vue';

export type Theme = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'custos.theme';

function stored(): Theme {
  const value = window.localStorage.getItem(STORAGE_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** A display preference, not vault state: kept across locks, in localStorage, applied as data-theme. */
export const theme = ref<Theme>(stored());

watch(
  theme,
  (value) => {
    document.documentElement.dataset['theme'] = value;
    window.localStorage.setItem(STORAGE_KEY, value);
  },
  { immediate: true },
);
