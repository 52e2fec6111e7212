// The seed's interceptor (shared/seed/vue-axios-refresh-jwt.txt), reproduced as written,
// defects included. Only what needs Vue and Element-UI is replaced:
//   - MessageBox.confirm (the re-login dialog) -> window.reloginPrompts++
//   - Message (the error toast)                -> window.businessErrors++
//   - the Vuex store and ./auth                -> localStorage
//   - process.env.BASE_API                     -> '/api'
// Everything else (isLock, await refreshJwt() per 50014, the bare axios.request replay, the
// swallowed refresh errors, the refresh token in the URL) is the seed's code.
import axios from 'axios'

const BASE_API = '/api'

// ---- ./auth (js-cookie in vue-element-admin; localStorage here) and the store ----
const getToken = () => localStorage.getItem('token')
const setToken = (token) => localStorage.setItem('token', token)
const getRefreshToken = () => localStorage.getItem('refreshToken')
const setRefreshToken = (token) => localStorage.setItem('refreshToken', token)
const store = {
  getters: { get token () { return getToken() } },
  commit () {}, // SET_TOKEN / SET_REFRESH_TOKEN: the store mirrors localStorage here
  dispatch () { return Promise.resolve() }
}
const MessageBox = { confirm () { window.reloginPrompts++; return new Promise(() => {}) } } // the user never answers
const Message = () => { window.businessErrors++ }

// ---- refreshJwt.js ----
const refreshJwt = async () => {
  // process.env.BASE_API是项目环境API
  const url = BASE_API + '/refreshJwt/' + getRefreshToken()
  await axios.post(url).then(res => {
    if (res.data.code === 10007) {
      // 身份过期,请重新登录
      MessageBox.confirm(
        'Token失效,你已被登出,可以取消继续留在该页面,或者重新登录',
        '确定登出',
        { confirmButtonText: '重新登陆', cancelButtonText: '取消', type: 'warning' }
      ).then(() => {
        store.dispatch('FedLogOut').then(() => {
          location.reload() // 为了重新实例化vue-router对象 避免bug
        })
      })
    } else {
      // 设置token
      setToken(res.data.data.token)
      store.commit('SET_TOKEN', res.data.data.token)
      // 设置refreshToken
      setRefreshToken(res.data.data.refreshToken)
      store.commit('SET_REFRESH_TOKEN', res.data.data.refreshToken)
    }
  }).catch(error => {
    console.log(error)
  })
}

// ---- request.js ----
let isLock = true
// 创建axios实例
const service = axios.create({
  baseURL: BASE_API, // api 的 base_url
  timeout: 50000, // 请求超时时间,
  headers: { 'Content-Type': 'application/json;charset=utf-8' }
  // withCredentials : true
})

/**
 * 通用请求拦截配置
 * @param {*} config
 */
const axiosConf = (config) => {
  if (store.getters.token) {
    config.headers['X-Token'] = getToken() // 让每个请求携带自定义token 请根据实际情况自行修改
  }
  return config
}

// request 拦截器
service.interceptors.request.use(axiosConf, error => {
  console.log(error)
  return Promise.reject(error)
})

// response 拦截器
service.interceptors.response.use(
  async response => {
    /**
     * code为非0是抛错 可结合自己业务进行修改
     */
    let data = {}
    const res = response.data
    const code = Number(res.code)
    if (code !== 0) {
      // 50014:Token 过期了;
      if (code === 50014) {
        if ((getRefreshToken() !== 'undefined' && getRefreshToken()) && isLock) {
          // 异步刷新JWT
          await refreshJwt()
          // 这里防止并发的时候造成死循环,所以要加锁
          isLock = false
          // 刷新完成,继续之前的请求
          response.config.headers['X-Token'] = getToken()
          const result = await axios.request(axiosConf(response.config))
          if (result) {
            data = result.data
            isLock = true
          }
        } else {
          // 身份过期,请重新登录
          MessageBox.confirm(
            'Token失效,你已被登出,可以取消继续留在该页面,或者重新登录',
            '确定登出',
            { confirmButtonText: '重新登陆', cancelButtonText: '取消', type: 'warning' }
          ).then(() => {
            store.dispatch('FedLogOut').then(() => {
              location.reload() // 为了重新实例化vue-router对象 避免bug
            })
          })
        }
      } else {
        // 消息提示
        message(res.message)
      }
    } else {
      data = response.data
    }
    return data
  },
  error => {
    console.log('错误信息:' + error)
    message('哎呀~ (ಥ﹏ಥ)网络又开小差了,请稍后刷新重试!')
    return Promise.reject(error)
  }
)

/**
 * 消息提醒
 * @param msg
 */
export function message (msg) {
  Message({ message: msg, type: 'error', showClose: true, duration: 5 * 1000 })
}

// ---- the benchmark's view of it ----
export async function create () {
  return {
    login (access, refresh) {
      setToken(access)
      setRefreshToken(refresh)
    },
    async get () {
      // The interceptor resolves with the body (or {} after a re-login prompt: NaN).
      const data = await service.get('/user/info')
      return Number(data.code)
    }
  }
}
