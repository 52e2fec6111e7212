// Typed use of vue.d.ts (authfetch/vue) with Vue 3's own types.
import { computed, createApp, defineComponent, watch, type Ref } from 'vue'
import { createAuthFetch, type ReloginInfo } from 'authfetch'
import {
  authFetchKey,
  authFetchPlugin,
  createAuthFetchSession,
  useAuthFetch,
  type AuthFetchSession
} from 'authfetch/vue'

export async function start (): Promise<void> {
  const auth = await createAuthFetch({ baseURL: '/api' })
  const Root = defineComponent({
    setup () {
      const { fetch, loggedIn, refreshing, reloginNeeded, reloginInfo, setTokens, clearTokens, dismissRelogin } = useAuthFetch()
      const flags: Array<Readonly<Ref<boolean>>> = [loggedIn, refreshing, reloginNeeded]
      const why = computed(() => reloginInfo.value?.reason ?? '')
      const info: Readonly<ReloginInfo> | null = reloginInfo.value
      watch(reloginNeeded, (now: boolean) => { if (now) console.log('show the login dialog', why.value, info) })
      // @ts-expect-error the state is read-only
      loggedIn.value = true
      const load = async (): Promise<unknown> => (await fetch('/user/info')).json()
      setTokens({ accessToken: 'a', refreshToken: 'r' })
      return { flags, load, clearTokens, dismissRelogin }
    },
    // $authFetch is typed in templates and on component instances.
    mounted () {
      const s: AuthFetchSession = this.$authFetch
      console.log(s.loggedIn.value)
    }
  })
  const app = createApp(Root)
  app.use(authFetchPlugin, auth)
  // @ts-expect-error the plugin takes the client, not options
  app.use(authFetchPlugin, { baseURL: '/api' })
  app.provide(authFetchKey, createAuthFetchSession(auth))
  app.mount('#app')

  const session: AuthFetchSession = createAuthFetchSession(auth)
  session.stop()
}
